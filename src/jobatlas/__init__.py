"""jobatlas: which cities are best for AI/ML jobs, from real postings, with the evidence.

The public API is deliberately small; everything else is reachable through these names.
"""

from jobatlas.errors import JobatlasError
from jobatlas.models import Classification, Location, Place, Salary

__all__ = ["Classification", "JobatlasError", "Location", "Place", "Salary", "__version__"]

__version__ = "0.1.0"
