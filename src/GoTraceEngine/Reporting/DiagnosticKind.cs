using System.Text.Json.Serialization;

namespace GoTraceEngine.Reporting;

/// <summary>What a <see cref="LineDiagnostic"/> is about; JSON writes the camelCase name.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DiagnosticKind>))]
public enum DiagnosticKind
{
    /// <summary>A line with an event keyword whose required fields are missing or invalid: skipped.</summary>
    [JsonStringEnumMemberName("malformed")]
    Malformed,

    /// <summary>A line longer than the maximum: skipped without being buffered.</summary>
    [JsonStringEnumMemberName("tooLong")]
    TooLong,

    /// <summary>An optional field that could not be read: the event was applied without it.</summary>
    [JsonStringEnumMemberName("field")]
    Field,

    /// <summary>A timestamp outside the trace's clock: the event was applied in arrival order.</summary>
    [JsonStringEnumMemberName("clock")]
    Clock,

    /// <summary>A late event older than its goroutine's state: not applied.</summary>
    [JsonStringEnumMemberName("stale")]
    Stale,

    /// <summary>A <c># gotrace</c> header that could not be used: ignored.</summary>
    [JsonStringEnumMemberName("traceHeader")]
    TraceHeader,
}
