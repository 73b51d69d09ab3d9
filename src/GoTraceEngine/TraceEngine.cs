namespace GoTraceEngine;

/// <summary>The engine with no per-event sink: for users who want the tables and the report.</summary>
/// <example><code>
/// using var engine = new TraceEngine();
/// await engine.ReplayFileAsync("trace.txt");
/// ReportWriter.WriteText(engine.GetSummary(), Console.Out);
/// </code></example>
public sealed class TraceEngine : TraceEngine<NullTraceSink>
{
    /// <summary>Creates an engine with the default options.</summary>
    public TraceEngine()
        : base(default, default)
    {
    }

    /// <summary>Creates an engine.</summary>
    /// <param name="options">Settings.</param>
    public TraceEngine(TraceEngineOptions options)
        : base(options, default)
    {
    }
}
