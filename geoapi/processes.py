"""The analyses of :mod:`analytics.registry` as OGC API - Processes, run synchronously.

Every analysis is one process, ``/ogcapi/processes/{id}``, described and executed by one generic
pygeoapi processor, :class:`AnalysisProcessor`, parameterised by the analysis id: its description
(titles, keywords, inputs with their bounds, the output) is rendered from the registry entry and
the analysis's pydantic model, and ``POST /processes/{id}/execution`` with
``{"inputs": {...}}`` answers with the analysis's GeoJSON FeatureCollection as the body.

pygeoapi's ``Dummy`` manager runs a process synchronously and keeps no jobs, which is what a
synchronous-only API needs; but it turns every exception into a 400 ``Error executing process``
and it wraps ``response=document`` outputs in a list. :class:`SyncManager` is that manager with
the analyses' errors kept: a bad or unknown parameter is a 400 naming it, something a parameter
names that does not exist a 404 (each error's ``http_status``), a failure of the server a 500
without a traceback. :func:`install` guards the execution route against request bodies pygeoapi
does not check (a JSON array, inputs that are not an object, callback subscriptions) and answers
bad inputs itself, before pygeoapi would log each as an error with a traceback.

Request and response (OGC API - Processes - Part 1, 7.11)::

    POST /ogcapi/processes/receptor-screening/execution
    {"inputs": {"site": "park", "radius_m": 5000}}
    -> 200 application/geo+json  {"type": "FeatureCollection", "features": [...], ...}
    {"inputs": {...}, "response": "document"}
    -> 200 application/json      {"result": {"type": "FeatureCollection", ...}}
    {"inputs": {"radius_m": -1}}
    -> 400 application/json      {"code": "InvalidParameterValue", "description": "...radius_m..."}

The result's table (the receptor table, the ranked candidates; :mod:`analytics.export`) is also
offered as an XLSX workbook, with Chinese headers, by asking for that format of the output
(7.11.2.4, ``outputs`` with ``format.mediaType``)::

    {"inputs": {"site": "park"}, "outputs": {"result": {"format": {"mediaType": XLSX}}}}
    -> 200 XLSX   (Content-Disposition: attachment; XLSX is
                   application/vnd.openxmlformats-officedocument.spreadsheetml.sheet)
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any

from flask import Flask, request
from pygeoapi.process.base import BaseProcessor, ProcessorExecuteError
from pygeoapi.process.manager.dummy import DummyManager
from pygeoapi.util import JobStatus, RequestedProcessExecutionMode, RequestedResponse

from analytics.errors import AnalysisError, BadParameterError
from analytics.export import xlsx_bytes
from analytics.registry import BY_ID, Analysis, get_analysis
from geoapi.catalog import pooled_engine
from geoapi.errors import InvalidParameterValue, database_error, error_response, status_of

LOGGER = logging.getLogger(__name__)

GEOJSON = "application/geo+json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The formats of the one output, first the default.
OUTPUT_FORMATS = (GEOJSON, XLSX)
#: ``application/json`` exactly would make pygeoapi re-serialise the (already JSON) text.
JSON_UTF8 = "application/json; charset=utf-8"
#: The one output of every analysis process.
OUTPUT_ID = "result"
#: Processes classes pygeoapi declares that this API does not serve: executions are synchronous
#: and the server makes no requests to URLs a client gives (no SSRF through ``subscriber``).
NOT_SERVED = ("http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/callback",)
#: What an execute request may carry (OGC API - Processes 1.0, ``execute.yaml``), less
#: ``subscriber`` (see :data:`NOT_SERVED`).
EXECUTE_MEMBERS = ("inputs", "outputs", "response")


def _inline_refs(schema: Any, definitions: Mapping[str, Any]) -> Any:
    """``schema`` with every ``{"$ref": "#/$defs/X"}`` replaced by the definition: an input's
    schema in a process description stands alone."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline_refs(definitions[ref.removeprefix("#/$defs/")], definitions)
        return {k: _inline_refs(v, definitions) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_inline_refs(v, definitions) for v in schema]
    return schema


def process_inputs(analysis: Analysis) -> dict[str, dict[str, Any]]:
    """The process description's ``inputs``: one per parameter of the analysis's model, with
    its title, description and JSON schema (type, bounds, enum, default)."""
    model_schema = analysis.input_schema()
    definitions = model_schema.get("$defs", {})
    required = set(model_schema.get("required", ()))
    inputs = {}
    for name, prop in model_schema.get("properties", {}).items():
        schema = _inline_refs(prop, definitions)
        title = schema.pop("title", name)
        description = schema.pop("description", "")
        inputs[name] = {
            "title": title,
            "description": description,
            "schema": schema,
            "minOccurs": 1 if name in required else 0,
            "maxOccurs": 1,
            "keywords": [name],
        }
    return inputs


def process_metadata(analysis: Analysis) -> dict[str, Any]:
    """The OGC process description of ``analysis`` (pygeoapi's ``PROCESS_METADATA``)."""
    return {
        "version": "1.0.0",
        "id": analysis.id,
        "title": {"zh": analysis.title_zh, "en": analysis.title_en},
        "description": {"zh": analysis.description_zh, "en": analysis.description_en},
        "keywords": list(analysis.keywords),
        "jobControlOptions": ["sync-execute"],
        "outputTransmission": ["value"],
        "links": [],
        # what a clicked map feature fills in (the page's tools read it)
        "metadata": [start.describe() for start in analysis.map_starts],
        "inputs": process_inputs(analysis),
        "outputs": {
            OUTPUT_ID: {
                "title": {"zh": "分析结果", "en": "Result"},
                "description": {"zh": analysis.output_zh, "en": analysis.output_en},
                "schema": {
                    "oneOf": [
                        {"type": "object", "contentMediaType": GEOJSON},
                        # the result's table, Chinese headers (analytics.export)
                        {"type": "string", "contentEncoding": "binary", "contentMediaType": XLSX},
                    ]
                },
            }
        },
    }


class AnalysisFailed(ProcessorExecuteError):  # type: ignore[misc]
    """An analysis that could not run: the HTTP status and OGC code come from the error."""

    def __init__(self, message: str, status: HTTPStatus, code: str) -> None:
        super().__init__(message, user_msg=message)
        self.http_status_code = status
        self.ogc_exception_code = code


def _failure(exc: Exception) -> AnalysisFailed:
    """The one mapping from an analysis's error to the HTTP answer."""
    if isinstance(exc, AnalysisError):
        status = HTTPStatus(exc.http_status)
        code = "NotFound" if status == HTTPStatus.NOT_FOUND else "InvalidParameterValue"
        return AnalysisFailed(str(exc), status, code)
    unavailable = database_error(exc)  # the database down or too slow: 503 / 504
    if unavailable is not None:
        return AnalysisFailed(unavailable.description, status_of(unavailable), unavailable.code)
    if isinstance(exc, OverflowError):
        # bounded models, so only an extreme value gets here, e.g. a time in the year 9999 that
        # the analysis steps past datetime.max
        return AnalysisFailed(
            f"参数超出范围 / a parameter is out of range ({exc}): give times and distances "
            "within the ranges the process description states",
            HTTPStatus.BAD_REQUEST,
            "InvalidParameterValue",
        )
    LOGGER.exception("analysis failed")
    return AnalysisFailed(
        "分析失败，请联系管理员 / the analysis failed on the server; please report it",
        HTTPStatus.INTERNAL_SERVER_ERROR,
        "NoApplicableCode",
    )


class AnalysisProcessor(BaseProcessor):  # type: ignore[misc]
    """One analysis of the registry as a pygeoapi process (``processor.analysis`` names it)."""

    def __init__(self, processor_def: dict[str, Any]) -> None:
        self.analysis = get_analysis(processor_def["analysis"])
        self.database_url: str = processor_def["database_url"]
        super().__init__(processor_def, process_metadata(self.analysis))

    def run(self, data: Any) -> dict[str, Any]:
        """The FeatureCollection for the execute request's ``inputs``; :class:`AnalysisError`
        for bad inputs."""
        if not isinstance(data, Mapping):
            raise BadParameterError(
                '参数无效 / invalid parameter: "inputs" must be a JSON object of parameter values'
            )
        params = self.analysis.validate(data)
        return self.analysis.run(pooled_engine(self.database_url), params)

    def execute(self, data: dict[str, Any], outputs: Any = None) -> tuple[str, str | bytes]:
        """The FeatureCollection as GeoJSON text (text, so pygeoapi sends it as it is), or its
        table as XLSX bytes when ``outputs`` asks for that format."""
        try:
            result = self.run(data)
        except Exception as exc:
            raise _failure(exc) from None
        if requested_format(outputs) == XLSX:
            return XLSX, xlsx_bytes(result)
        return GEOJSON, json.dumps(result, ensure_ascii=False, separators=(",", ":"))

    def __repr__(self) -> str:
        return f"<AnalysisProcessor> {self.analysis.id}"


class SyncManager(DummyManager):  # type: ignore[misc]
    """pygeoapi's Dummy manager (synchronous, no job store) that keeps the analyses' errors."""

    def execute_process(
        self,
        process_id: str,
        data_dict: dict[str, Any],
        execution_mode: RequestedProcessExecutionMode | None = None,
        requested_outputs: dict[str, Any] | None = None,
        subscriber: Any = None,
        requested_response: str | None = RequestedResponse.raw.value,
    ) -> tuple[str, str, Any, JobStatus, dict[str, str] | None]:
        headers = None
        if execution_mode is not None:
            # OGC API - Processes 1.0, 7.11.2.2: say that the request ran synchronously
            headers = {"Preference-Applied": RequestedProcessExecutionMode.wait.value}
        processor = self.get_processor(process_id)
        # AnalysisFailed goes to pygeoapi's handler
        mime, text = processor.execute(data_dict, requested_outputs)
        if mime == XLSX:
            headers = (headers or {}) | {
                "Content-Disposition": f'attachment; filename="{process_id}.xlsx"'
            }
        elif requested_response == RequestedResponse.document.value:
            # 7.11.4.2: a results document maps each output id to its value
            mime, text = JSON_UTF8, f'{{"{OUTPUT_ID}":{text}}}'
        return "", mime, text, JobStatus.successful, headers

    def __repr__(self) -> str:
        return f"<SyncManager> {self.name}"


def requested_format(outputs: Any) -> str:
    """The media type an execute request's (checked) ``outputs`` asks for; GeoJSON by default."""
    if isinstance(outputs, Mapping):
        wanted = outputs.get(OUTPUT_ID)
        if isinstance(wanted, Mapping) and isinstance(wanted.get("format"), Mapping):
            return str(wanted["format"].get("mediaType") or GEOJSON)
    return GEOJSON


def _outputs_error(body: Mapping[str, Any]) -> InvalidParameterValue | None:
    """What is wrong with an execute request's ``outputs`` (7.11.2.4): only ``result``, in one
    of :data:`OUTPUT_FORMATS`, by value; XLSX only as the raw response."""
    outputs = body.get("outputs")
    if outputs is None:
        return None
    usage = (
        f'"outputs" 须为 {{"{OUTPUT_ID}": {{"format": {{"mediaType": ...}}}}}} / "outputs" must be '
        f'{{"{OUTPUT_ID}": {{"format": {{"mediaType": ...}}}}}} with a mediaType of '
        f"{', '.join(OUTPUT_FORMATS)}"
    )
    if not isinstance(outputs, dict) or set(outputs) - {OUTPUT_ID}:
        return InvalidParameterValue(f"参数无效 / invalid outputs: {usage}")
    wanted = outputs.get(OUTPUT_ID, {})
    if not isinstance(wanted, dict) or set(wanted) - {"format", "transmissionMode"}:
        return InvalidParameterValue(f"参数无效 / invalid outputs: {usage}")
    if wanted.get("transmissionMode", "value") != "value":
        return InvalidParameterValue(
            "参数无效 / transmissionMode: outputs are sent by value only (no references)"
        )
    fmt = wanted.get("format", {})
    if not isinstance(fmt, dict) or fmt.get("mediaType", GEOJSON) not in OUTPUT_FORMATS:
        return InvalidParameterValue(f"不支持的输出格式 / unsupported output format: {usage}")
    if requested_format(outputs) == XLSX and body.get("response") == "document":
        return InvalidParameterValue(
            "XLSX 仅以原始响应返回 / XLSX comes as the raw response: leave out "
            '"response": "document"'
        )
    return None


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _execute_request_error(analysis: Analysis) -> InvalidParameterValue | None:
    """What is wrong with an execute request's body: what pygeoapi does not check itself, and
    the inputs (checked here too, so that a client's typo is answered without pygeoapi logging
    it as a server error with a traceback)."""
    if not request.get_data():
        return None  # pygeoapi: 400 MissingParameterValue
    try:
        body = json.loads(request.get_data())
    except (UnicodeDecodeError, json.JSONDecodeError):
        return InvalidParameterValue(
            "请求体不是有效的 JSON / the request body is not valid JSON: send "
            '{"inputs": {...}} with Content-Type application/json'
        )
    if not isinstance(body, dict):
        return InvalidParameterValue(
            '请求体须为 JSON 对象 / the request body must be a JSON object: {"inputs": {...}}'
        )
    unknown = sorted(set(body) - set(EXECUTE_MEMBERS))
    if unknown:
        return InvalidParameterValue(
            f"未知成员 / unknown member {unknown[0]!r} in the execute request; "
            f"allowed: {', '.join(EXECUTE_MEMBERS)} (no callbacks: executions are synchronous)"
        )
    if "inputs" in body and not isinstance(body["inputs"], dict):
        return InvalidParameterValue(
            '参数无效 / "inputs" must be a JSON object of parameter values'
        )
    if body.get("response", "raw") not in ("raw", "document"):
        return InvalidParameterValue(
            f"参数无效 / response={body['response']!r}; use raw or document"
        )
    outputs_error = _outputs_error(body)
    if outputs_error is not None:
        return outputs_error
    with_nul = [k for k, v in body.get("inputs", {}).items() if _has_nul(v)]
    if with_nul:
        # PostgreSQL text cannot hold NUL: no valid value contains one
        return InvalidParameterValue(
            f"参数无效 / invalid parameter: {with_nul[0]}: contains a NUL character"
        )
    try:
        analysis.validate(body.get("inputs", {}))
    except BadParameterError as exc:
        return InvalidParameterValue(str(exc))
    return None


def install(app: Flask) -> None:
    """Guard pygeoapi's execution endpoint: malformed execute requests get a 400."""
    endpoint = "pygeoapi.execute_process_jobs"
    pygeoapi_execute: Callable[..., Any] = app.view_functions[endpoint]

    def execute_process_jobs(process_id: str) -> Any:
        # an unknown process is pygeoapi's 404 whatever the body
        analysis = BY_ID.get(process_id)
        error = _execute_request_error(analysis) if analysis is not None else None
        if error is not None:
            return error_response(error)
        return pygeoapi_execute(process_id)

    app.view_functions[endpoint] = execute_process_jobs


def declare_conformance() -> None:
    """Withdraw the Processes classes this API does not serve from pygeoapi's declaration."""
    from pygeoapi.api import processes

    for uri in NOT_SERVED:
        while uri in processes.CONFORMANCE_CLASSES:
            processes.CONFORMANCE_CLASSES.remove(uri)
