"""Writes to the organisation, one module per concept: ``employees`` (saving an employee with
their login, liaison roles), ``accounts`` (password resets sent from the admin), ``roster_import``
(applying a checked HR roster) and ``city`` (the synthetic city). Import the module you need."""
