"""smedx: assess the digital maturity of SMEs against China's national indicators.

>>> import smedx
>>> rules = smedx.load_rules("miit-2024")
>>> a = rules.score(survey_dict)            # one survey -> Assessment
>>> df = smedx.score_frame(frame, rules)    # a pandas DataFrame of surveys -> scores
"""

from __future__ import annotations

from . import plotting
from ._core import __version__
from ._errors import RuleSetError, SurveyError
from .assessment import Assessment
from .diagnosis import CohortDiagnosis, Diagnosis, diagnose_files, diagnose_frame
from .excel import read_xlsx, write_template
from .frame import (
    read_surveys,
    score_frame,
    survey_frame,
    survey_issues,
)
from .match import match
from .pilot import PilotResult, pilot
from .rules import RuleSet, load_rules

__all__ = [
    "Assessment",
    "CohortDiagnosis",
    "Diagnosis",
    "PilotResult",
    "RuleSet",
    "RuleSetError",
    "SurveyError",
    "__version__",
    "diagnose_files",
    "diagnose_frame",
    "load_rules",
    "match",
    "pilot",
    "plotting",
    "read_surveys",
    "read_xlsx",
    "score_frame",
    "survey_frame",
    "write_template",
    "survey_issues",
]
