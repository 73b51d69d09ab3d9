using System.Globalization;
using GoTraceEngine.Reporting;
using GoTraceEngine.State;

namespace GoTraceEngine.Sample;

/// <summary>
/// Embeds GoTraceEngine: replays a trace with a custom struct sink, then prints what the sink gathered next to the
/// engine's own leak groups. Usage: <c>GoTraceEngine.Sample [TRACE]</c>; without a file it replays a small trace it
/// writes itself (<see cref="SampleTrace"/>).
/// </summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out);

    public static int Run(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        CultureInfo c = CultureInfo.InvariantCulture;
        using var engine = new TraceEngine<ParkProfileSink>(
            new TraceEngineOptions { LeakAfter = TimeSpan.FromMilliseconds(250) },
            ParkProfileSink.Create());

        if (args.Length > 0)
        {
            engine.ReplayFile(args[0]);
        }
        else
        {
            using var trace = new MemoryStream(SampleTrace.Write());
            engine.Replay(trace);
        }

        ParkProfileSink sink = engine.Sink;
        ReasonTable reasons = engine.Reasons;
        output.WriteLine(string.Create(c, $"{engine.EventsRead} events, {engine.Live.Count} live, {engine.Blocked.Count} blocked"));
        output.WriteLine("parks by reason:");
        foreach (int code in Enumerable.Range(0, 256).Where(code => sink.ParksByReason[code] > 0).OrderByDescending(code => sink.ParksByReason[code]))
        {
            output.WriteLine(string.Create(c, $"  {sink.ParksByReason[code],8}  {reasons.GetName((byte)code)} ({code})"));
        }

        output.WriteLine("most created start functions:");
        foreach (KeyValuePair<int, long> pair in sink.CreatesByFunction.OrderByDescending(p => p.Value).Take(3))
        {
            output.WriteLine(string.Create(c, $"  {pair.Value,8}  {engine.GetFunctionName(pair.Key)}"));
        }

        TraceSummary summary = engine.GetSummary();
        output.WriteLine(string.Create(c, $"leak groups (blocked at least 250ms):"));
        foreach (LeakGroup group in summary.LeakGroups)
        {
            output.WriteLine(string.Create(c, $"  {group.Count,8}  {group.StartFunction} created by {group.Creator}: {group.Reason}"));
        }

        return summary.Leaks.Count == 0 ? 0 : 1;
    }
}
