"""pipesteward: a data team's metric pipelines and the people side of keeping them right."""

__version__ = "0.1.0"
