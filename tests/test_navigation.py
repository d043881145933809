"""Routes of the field app and the console, split and built by one pair of functions."""

from __future__ import annotations

from app.navigation import make_route, split_route


def test_a_route_splits_into_its_path_and_query() -> None:
    assert split_route("/result/ab/?tab=photos&x=1") == ("/result/ab", {"tab": "photos", "x": "1"})
    assert split_route("") == ("/", {})
    assert split_route("/") == ("/", {})


def test_a_route_is_made_without_empty_values_and_read_back_the_same() -> None:
    route = make_route("/login", next="/outlets/GZ 01", lang=None, q="")
    assert route == "/login?next=%2Foutlets%2FGZ+01"
    assert split_route(route) == ("/login", {"next": "/outlets/GZ 01"})
    assert make_route("/queue") == "/queue"
