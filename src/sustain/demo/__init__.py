"""The demo organization: deterministic, realistic, relative to the day it is loaded."""
