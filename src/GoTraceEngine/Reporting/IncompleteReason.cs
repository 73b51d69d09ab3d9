namespace GoTraceEngine.Reporting;

/// <summary>Why a report may not show the whole run. Each has a sentence in <see cref="TraceSummary.Incomplete"/>; JSON writes the camelCase name.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CamelCaseEnumConverter<IncompleteReason>))]
public enum IncompleteReason
{
    /// <summary>The last line had no newline: the input may have been cut (a tracer killed mid-write, a truncated file).</summary>
    EndedMidLine,

    /// <summary>The tracer reported a fatal error.</summary>
    TracerFatal,

    /// <summary>The tracer lost data (drops, <c>Lost N events</c>).</summary>
    DataLoss,

    /// <summary>Reading stopped before the input ended (Ctrl-C, a signal, a cancelled token).</summary>
    Interrupted,

    /// <summary>The tracer exited with an error.</summary>
    TracerFailed,

    /// <summary>More goroutines were live than <see cref="TraceEngineOptions.MaxGoroutines"/>: some were not tracked.</summary>
    GoroutineLimit,
}
