"""
Compiled core of smedx; use the smedx package instead.
"""
from __future__ import annotations
import collections.abc
import typing
__all__: list[str] = ['Issue', 'Loaded', 'add_data_folder', 'check_csv_rows', 'data_path', 'decode_text', 'diagnose_columns', 'diagnose_files', 'diagnose_text', 'find_data', 'format_issues', 'input_format', 'load', 'match_files', 'match_text', 'message_kinds', 'pilot_files', 'score_arrays', 'score_json', 'score_jsonl', 'table_columns']
class Issue:
    """
    One diagnostic: severity, message, place.
    """
    def __str__(self) -> str:
        ...
    def text(self, lang: str = 'zh') -> str:
        """
        The message in Chinese ('zh') or English ('en').
        """
    @property
    def args(self) -> list[str]:
        ...
    @property
    def code(self) -> str:
        """
        A survey problem's stable code (docs/messages.md).
        """
    @property
    def column(self) -> int:
        ...
    @property
    def file(self) -> str:
        ...
    @property
    def line(self) -> int:
        ...
    @property
    def message(self) -> str:
        ...
    @property
    def path(self) -> str:
        ...
    @property
    def severity(self) -> str:
        ...
    @property
    def source_line(self) -> str:
        ...
    @property
    def suggestion(self) -> str:
        ...
class Loaded:
    """
    A rule set as loaded, with its engine.
    """
    def dimensions(self) -> list[tuple[str, str, float]]:
        """
        (id, zh, max points) of every dimension.
        """
    def error_message(self) -> str:
        """
        The message of the C++ RuleSetError for these issues.
        """
    def item_details(self) -> list[tuple[str, str, list[tuple[str, str, str, bool]]]]:
        """
        (id, question, [(letter, zh, exact points text, none)]) of every item, in rule-set order.
        """
    def items(self) -> list[tuple[str, str, str, str]]:
        """
        (id, code, kind, zh) of every item, in rule-set order.
        """
    def levels(self) -> list[tuple[int, str, float, int, int]]:
        """
        (level, zh, min points, min scenarios, min constraint) of every level.
        """
    def profiles(self) -> list[tuple[str, str]]:
        """
        (id, zh) of every industry profile, in rule-set order.
        """
    def scenario_levels(self) -> list[tuple[str, list[str]]]:
        """
        (id, [zh text of level 1, 2, ...]) of every scenario, in rule-set order.
        """
    def scenarios(self) -> list[tuple[str, str, bool, str]]:
        """
        (id, code, constraint, zh) of every scenario, in rule-set order.
        """
    def summary(self) -> str:
        ...
    @property
    def hash(self) -> str:
        ...
    @property
    def id(self) -> str:
        ...
    @property
    def issues(self) -> list[Issue]:
        ...
    @property
    def ok(self) -> bool:
        ...
    @property
    def origin(self) -> str:
        ...
    @property
    def title(self) -> str:
        ...
    @property
    def version(self) -> str:
        ...
def add_data_folder(folder: str) -> None:
    """
    Adds a data folder to the search path, after SMEDX_PATH.
    """
def check_csv_rows(text: str) -> list[tuple[int, str]]:
    """
    The rows of a CSV text smedx score could not read under its header (a field too many or too few, a quoted field left open), as (line, message), in order.
    """
def data_path() -> list[str]:
    """
    The data folders searched for names, in order.
    """
def decode_text(data: bytes, encoding: str = 'auto') -> tuple[str, str, str | None, int]:
    """
    A survey file's bytes decoded as smedx score decodes them (docs/surveys.md, Encodings): (text, encoding read, problem, line). `problem` is None when every byte decoded, else what did not ('invalid UTF-8 byte 0xff on line 3 at byte offset 706'), on line `line`, and text is empty. Raises ValueError for an encoding that is not auto, utf-8 or gb18030.
    """
def diagnose_columns(rules: Loaded, columns: collections.abc.Sequence[tuple[str, typing.Any]], ids: typing.Any, fields: collections.abc.Sequence[tuple[str, typing.Any]], rows: typing.SupportsInt | typing.SupportsIndex, target: typing.SupportsInt | typing.SupportsIndex | None = None, threshold: str | None = None, by_district: bool = False, missing: str = 'error', html: bool = False, output: str | None = None, force: bool = False, threads: typing.Any = 0, diagnosed_on: str = '', organisation: str = '', diagnostician: str = '', catalogue: str | None = None, years: typing.SupportsInt | typing.SupportsIndex = 1, budget: typing.SupportsInt | typing.SupportsIndex | None = None) -> tuple[list[tuple[str, str]], str]:
    """
    Diagnoses a frame's columns (as score_arrays takes them, with the enterprise fields) as a cohort: ([(diagnosis JSON, HTML)], cohort JSON); with `output`, writes the folder `smedx diagnose` writes.
    """
def diagnose_files(rules: Loaded, files: collections.abc.Sequence[str], format: str | None = None, target: typing.SupportsInt | typing.SupportsIndex | None = None, threshold: str | None = None, by_district: bool = False, missing: str = 'error', encoding: str = 'auto', html: bool = False, output: str | None = None, force: bool = False, threads: typing.Any = 0, diagnosed_on: str = '', organisation: str = '', diagnostician: str = '', catalogue: str | None = None, years: typing.SupportsInt | typing.SupportsIndex = 1, budget: typing.SupportsInt | typing.SupportsIndex | None = None) -> tuple[list[tuple[str, str]], str]:
    """
    Diagnoses the surveys of files (.jsonl, .csv, .json, .yaml) as one cohort, as `smedx diagnose` does: ([(diagnosis JSON, HTML)], cohort JSON); with `output`, writes its folder.
    """
def diagnose_text(rules: Loaded, text: str, format: str = 'jsonl', target: typing.SupportsInt | typing.SupportsIndex | None = None, threshold: str | None = None, by_district: bool = False, missing: str = 'error', html: bool = False, output: str | None = None, force: bool = False, threads: typing.Any = 0) -> tuple[list[tuple[str, str]], str]:
    """
    Diagnoses the surveys of a JSON Lines or CSV text as a cohort: ([(diagnosis JSON, HTML)], cohort JSON); with `output`, writes the folder `smedx diagnose` writes.
    """
def find_data(name_or_path: str, kind: str = 'rule_set') -> tuple[str | None, str]:
    """
    (path found or None, the problem saying what was tried) for a path or an installed name; kind: rule_set, programme or catalogue.
    """
def format_issues(issues: collections.abc.Sequence[Issue]) -> str:
    """
    Every issue in the diagnostic format, then a count line.
    """
def input_format(path: str) -> str | None:
    """
    The survey format a file's extension names ('jsonl', 'csv', 'json', 'yaml'), or None.
    """
def load(path: str) -> Loaded:
    """
    Loads a rule set from a folder or YAML file; never raises for bad content.
    """
def match_files(rules: Loaded, catalogue: str, files: collections.abc.Sequence[str], format: str | None = None, target: typing.SupportsInt | typing.SupportsIndex | None = None, years: typing.SupportsInt | typing.SupportsIndex = 1, budget: typing.SupportsInt | typing.SupportsIndex | None = None, alternatives: typing.SupportsInt | typing.SupportsIndex = 0, missing: str = 'error', encoding: str = 'auto', threads: typing.Any = 0) -> tuple[list[str], str]:
    """
    Matches the surveys of files to a catalogue, as `smedx match` does: ([plan JSON], 产品矩阵 JSON).
    """
def match_text(rules: Loaded, catalogue: str, text: str, format: str = 'jsonl', target: typing.SupportsInt | typing.SupportsIndex | None = None, years: typing.SupportsInt | typing.SupportsIndex = 1, budget: typing.SupportsInt | typing.SupportsIndex | None = None, alternatives: typing.SupportsInt | typing.SupportsIndex = 0, missing: str = 'error', threads: typing.Any = 0) -> tuple[list[str], str]:
    """
    Matches the surveys of a JSON Lines or CSV text to a catalogue: ([plan JSON], 产品矩阵 JSON), as `smedx match` writes them.
    """
def message_kinds() -> list[tuple[str, str, str, str]]:
    """
    Every kind of survey problem: (code, severity, Chinese template, English template).
    """
def pilot_files(programme: str, rules: Loaded, providers: str, register: str, surveys: collections.abc.Sequence[str], evidence: str | None = None, satisfaction: str | None = None, as_of: str | None = None, threads: typing.Any = 0, pages: bool = True, output: str | None = None, force: bool = False, selected: str | None = None, headers: str = 'en', investments: str | None = None, projects: str | None = None, report: str | None = None, catalogue: str | None = None) -> dict:
    """
    Runs a pilot programme over its input files (run_pilot, as `smedx pilot`); the outputs as the JSON `smedx pilot` writes. `rules` None: the programme's own rule set. `output`: also writes the folder `smedx pilot -o` writes, the same files. `catalogue`: the 产品矩阵 and product rating (products.json) and the register's solution warnings.
    """
def score_arrays(rules: Loaded, columns: collections.abc.Sequence[tuple[str, typing.Any]], ids: typing.Any, rows: typing.SupportsInt | typing.SupportsIndex, missing: str = 'error', threads: typing.Any = 0, warnings: bool = False, lang: str = 'zh') -> dict:
    """
    Scores a table given as (name, cells) columns in the CSV survey layout; cells are an Arrow stream PyCapsule, a (codes, categories) pair (numpy codes; categories a numpy array or an Arrow stream PyCapsule), or a numpy array. `ids` is the enterprise_id column in the same forms. Returns numpy columns: level (int8), total (float), points (each dimension, float), scenarios (one row each, int8), failed (bool), errors and warnings (object, None where there is nothing to say; warnings in `lang`).
    """
def score_json(rules: Loaded, json: str, missing: str = 'error') -> tuple[str, list[Issue]]:
    """
    Scores one survey JSON object; returns (the JSON record, its errors).
    """
def score_jsonl(rules: Loaded, jsonl: str, source: str = '<surveys>', missing: str = 'error', threads: typing.Any = 0) -> list[str]:
    """
    Scores JSON Lines text on `threads` threads, the calling one included (0: all cores); returns one JSON record per non-blank line.
    """
def table_columns(rules: Loaded, names: collections.abc.Sequence[str]) -> list[tuple[str, str]]:
    """
    The role of each column of a survey table, as (kind, id): kind 'enterprise_id', 'field', 'item' or 'scenario'; id the item or scenario id. Raises ValueError with the first problem (a misspelt item, a column named twice, no enterprise_id).
    """
__version__: str = '0.1.0'
