using GoTraceEngine.Parsing;

namespace GoTraceEngine.Sample;

/// <summary>
/// A custom sink: the engine calls <see cref="OnEvent"/> directly for every event (it is generic over the sink), so
/// this histogram of park reasons and of parks per start function costs a few nanoseconds an event.
/// </summary>
public struct ParkProfileSink : ITraceSink
{
    /// <summary>Parks per reason code.</summary>
    public long[] ParksByReason;

    /// <summary>Creates per start-function id (grows as names are interned).</summary>
    public Dictionary<int, long> CreatesByFunction;

    /// <summary>The longest gap between a goroutine's create and the trace's last event, in nanoseconds.</summary>
    public long LastTimestamp;

    public static ParkProfileSink Create() => new() { ParksByReason = new long[256], CreatesByFunction = [] };

    public void OnEvent(in TraceEvent e)
    {
        switch (e.Kind)
        {
            case TraceEventKind.Park:
                ParksByReason[e.Reason]++;
                break;
            case TraceEventKind.Create when e.StartFunction != 0:
                CreatesByFunction[e.StartFunction] = CreatesByFunction.GetValueOrDefault(e.StartFunction) + 1;
                break;
            default:
                break;
        }

        if (e.Has(TraceEventFields.Timestamp))
        {
            LastTimestamp = Math.Max(LastTimestamp, e.Timestamp);
        }
    }
}
