"""The back office's blueprint, shared by its view modules."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates", static_folder="static",
               static_url_path="/static")
