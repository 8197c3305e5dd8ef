"""Demo data: a sample city (departments, people, roles) and sample courses from the EO."""
