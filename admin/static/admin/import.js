/* The roster import: start it as a background job and follow its progress (no inline script: CSP). */
(function () {
  var form = document.getElementById("import-form"), texts = document.getElementById("import-texts").dataset;
  var status = document.getElementById("import-status"), bar = document.getElementById("import-progress");
  var message = document.getElementById("import-message"), report = document.getElementById("import-report");
  function show(job) {
    message.textContent = job.message;
    if (job.total_rows) { bar.max = job.total_rows; bar.value = job.checked_rows; }
    if (job.state === "done") {
      bar.value = bar.max = 1;
      var link = document.createElement("a"); link.href = job.people; link.textContent = " " + texts.people;
      message.appendChild(link);
    }
    if (job.state === "failed") {
      status.hidden = true; report.hidden = false;
      document.getElementById("import-error-count").textContent = job.error_count;
      var body = document.querySelector("#import-errors tbody"); body.textContent = "";
      job.errors.forEach(function (e) {
        var tr = body.insertRow(); tr.insertCell().textContent = e.line || texts.file; tr.insertCell().textContent = e.problem;
      });
    }
    return job.state === "done" || job.state === "failed";
  }
  function poll(url) {
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (job) {
      if (!show(job)) { setTimeout(function () { poll(url); }, 500); }
    }).catch(function () { message.textContent = texts.error; });
  }
  form.addEventListener("submit", function (event) {
    if (!window.fetch || !window.FormData) { return; }  // no script support: the plain synchronous import
    event.preventDefault();
    report.hidden = true; status.hidden = false; bar.removeAttribute("value"); message.textContent = "";
    fetch(form.dataset.jobs, {method: "POST", body: new FormData(form), credentials: "same-origin"})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (started) { poll(started.status); })
      .catch(function () { message.textContent = texts.error; });
  });
})();
