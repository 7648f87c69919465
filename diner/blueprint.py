"""The self-service pages' blueprint, shared by its view modules."""
from flask import Blueprint

bp = Blueprint("diner", __name__, url_prefix="/me", template_folder="templates", static_folder="static",
               static_url_path="/static")
