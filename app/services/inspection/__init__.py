"""The parts behind the one `Inspections` face (app/services/inspections.py).

* `records`    - what every part shares: the clock, the checklist a visit was started
                 with (parsed once per content hash), a visit's answers, notes and photos;
* `queries`    - the lists and look-ups (single indexed queries) and the rotation rule;
* `autosave`   - answers, notes and photos committed on every tap, veto flags kept in step;
* `amendments` - corrections of a finalised visit as new records.

Callers use `Inspections` only; these modules are split by what changes together.
"""
