using System.Text.Json.Serialization;

namespace GoTraceEngine.Reporting;

/// <summary>Why a report may not show the whole run. Each has a sentence in <see cref="TraceSummary.Incomplete"/>; JSON writes the camelCase name.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IncompleteReason>))]
public enum IncompleteReason
{
    /// <summary>The last line had no newline: the input may have been cut (a tracer killed mid-write, a truncated file).</summary>
    [JsonStringEnumMemberName("endedMidLine")]
    EndedMidLine,

    /// <summary>The tracer reported a fatal error.</summary>
    [JsonStringEnumMemberName("tracerFatal")]
    TracerFatal,

    /// <summary>The tracer lost data (drops, <c>Lost N events</c>).</summary>
    [JsonStringEnumMemberName("dataLoss")]
    DataLoss,

    /// <summary>Reading stopped before the input ended (Ctrl-C, a signal, a cancelled token).</summary>
    [JsonStringEnumMemberName("interrupted")]
    Interrupted,

    /// <summary>The tracer exited with an error.</summary>
    [JsonStringEnumMemberName("tracerFailed")]
    TracerFailed,

    /// <summary>More goroutines were live than <see cref="TraceEngineOptions.MaxGoroutines"/>: some were not tracked.</summary>
    [JsonStringEnumMemberName("goroutineLimit")]
    GoroutineLimit,
}
