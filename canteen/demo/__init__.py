"""A demo canteen (演示数据) built entirely through the services: people, cards and a month of history."""
from canteen.demo.seed import DEMO_PASSWORD, seed_demo

__all__ = ["DEMO_PASSWORD", "seed_demo"]
