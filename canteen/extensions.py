"""Flask extensions, created unbound and initialised in the app factory."""
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from canteen.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
