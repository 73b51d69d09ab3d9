using System.Diagnostics.Metrics;
using GoTraceEngine.Parsing;
using GoTraceEngine.State;

namespace GoTraceEngine;

/// <summary>
/// Publishes an engine's state as <see cref="System.Diagnostics.Metrics"/> instruments, so a host can export them
/// with OpenTelemetry (or <c>dotnet-counters</c>) to its existing monitoring.
/// </summary>
/// <remarks>
/// <para>Instruments of the <c>GoTraceEngine</c> meter: <c>gotrace.goroutines.live</c> and <c>gotrace.goroutines.blocked</c>
/// (gauges; blocked is tagged with <c>reason</c> and <c>reason.code</c>), <c>gotrace.events</c> (counter tagged with
/// <c>kind</c>; exporters turn it into events/s), <c>gotrace.lines</c> (counter), <c>gotrace.warnings</c> (counter
/// tagged with <c>kind</c>: dataLoss, probeError, tracerFatal), <c>gotrace.events.late</c> and
/// <c>gotrace.anomalies</c> (counters).</para>
/// <para>Observations run on the collector's thread and read counters the engine updates as it goes; they never
/// touch the tables themselves, so collecting while the engine runs is safe. Dispose to remove the instruments.</para>
/// </remarks>
/// <example><code>
/// using var engine = new TraceEngine();
/// using var metrics = TraceEngineMetrics.Create(engine);
/// </code></example>
public sealed class TraceEngineMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "GoTraceEngine";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    private TraceEngineMetrics(Meter meter, bool ownsMeter)
    {
        _meter = meter;
        _ownsMeter = ownsMeter;
    }

    /// <summary>Creates the instruments for <paramref name="engine"/>.</summary>
    /// <typeparam name="TSink">The engine's sink type.</typeparam>
    /// <param name="engine">The engine to observe.</param>
    /// <param name="meterFactory">The host's meter factory (dependency injection); when null a meter is created and owned here.</param>
    /// <returns>The instruments; dispose them with the engine.</returns>
    /// <exception cref="ObjectDisposedException">The engine was disposed.</exception>
    public static TraceEngineMetrics Create<TSink>(TraceEngine<TSink> engine, IMeterFactory? meterFactory = null)
        where TSink : struct, ITraceSink
    {
        ArgumentNullException.ThrowIfNull(engine);
        engine.ThrowIfDisposed();
        Meter meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName, typeof(TraceEngineMetrics).Assembly.GetName().Version?.ToString());
        var metrics = new TraceEngineMetrics(meter, ownsMeter: meterFactory is null);
        GoroutineState state = engine.State;

        meter.CreateObservableGauge("gotrace.goroutines.live", () => (long)state.Live.Count, "{goroutine}", "Goroutines created and not destroyed.");
        meter.CreateObservableGauge("gotrace.goroutines.blocked", () => BlockedByReason(state), "{goroutine}", "Live goroutines parked with a blocking reason.");
        meter.CreateObservableCounter("gotrace.events", () => EventsByKind(engine), "{event}", "Trace events read.");
        meter.CreateObservableCounter("gotrace.lines", () => engine.LinesRead, "{line}", "Tracer output lines read.");
        meter.CreateObservableCounter("gotrace.warnings", () => Warnings(engine), "{warning}", "Data loss, probe errors and tracer failures.");
        meter.CreateObservableCounter("gotrace.events.late", () => engine.LateEvents, "{event}", "Events that arrived later than the reorder window.");
        meter.CreateObservableCounter(
            "gotrace.anomalies",
            () => state.MissedDestroys + state.UntrackedParks + state.UntrackedReadies + state.UntrackedDestroys,
            "{event}",
            "Events that contradict the tables.");
        return metrics;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private static IEnumerable<Measurement<long>> BlockedByReason(GoroutineState state)
    {
        ReasonTable reasons = state.Reasons;
        for (int key = 0; key < ReasonKeys.Count; key++)
        {
            long count = state.BlockedWithKey((byte)key);
            if (count > 0)
            {
                int code = reasons.CodeOf((byte)key);
                yield return code >= 0
                    ? new Measurement<long>(count, new("reason", ReasonKeys.Name((byte)key)), new("reason.code", code))
                    : new Measurement<long>(count, new KeyValuePair<string, object?>("reason", ReasonKeys.Name((byte)key)));
            }
        }
    }

    private static IEnumerable<Measurement<long>> EventsByKind<TSink>(TraceEngine<TSink> engine)
        where TSink : struct, ITraceSink
    {
        foreach ((TraceEventKind kind, string name) in s_kinds)
        {
            yield return new Measurement<long>(engine.GetEventCount(kind), new KeyValuePair<string, object?>("kind", name));
        }
    }

    private static IEnumerable<Measurement<long>> Warnings<TSink>(TraceEngine<TSink> engine)
        where TSink : struct, ITraceSink
    {
        yield return new Measurement<long>(engine.GetLineCount(LineCategory.DataLoss), new KeyValuePair<string, object?>("kind", "dataLoss"));
        yield return new Measurement<long>(engine.GetLineCount(LineCategory.ProbeError), new KeyValuePair<string, object?>("kind", "probeError"));
        yield return new Measurement<long>(engine.GetLineCount(LineCategory.TracerFatal), new KeyValuePair<string, object?>("kind", "tracerFatal"));
    }

    private static readonly (TraceEventKind Kind, string Name)[] s_kinds =
    [
        (TraceEventKind.Create, "create"), (TraceEventKind.Park, "park"), (TraceEventKind.Ready, "ready"),
        (TraceEventKind.Destroy, "destroy"), (TraceEventKind.Tick, "tick"), (TraceEventKind.End, "end"),
    ];
}
