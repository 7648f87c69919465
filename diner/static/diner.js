// The self-service pages' only script (the Content-Security-Policy allows no inline script):
// a form with data-confirm asks before it is sent.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form && form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
