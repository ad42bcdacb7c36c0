"""Tests of bot/reports: what the export files hold and how they are written."""
