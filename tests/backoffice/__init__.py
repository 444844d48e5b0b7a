"""Tests of the back office: commune layer (test_commune_*) and API (test_bo_*)."""
