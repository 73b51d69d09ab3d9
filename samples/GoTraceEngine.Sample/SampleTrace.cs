using System.Globalization;
using System.Text;

namespace GoTraceEngine.Sample;

/// <summary>
/// A small trace in the full event format, written here so the sample needs nothing but the library: a pool of workers
/// that receive jobs (two are left waiting on a channel nobody closes), a Gather whose three senders are never read,
/// and short-lived goroutines that come and go.
/// </summary>
public static class SampleTrace
{
    public static byte[] Write()
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        var trace = new StringBuilder("# gotrace tracer=bpftrace os=linux arch=amd64 go=go1.22.5 reasons=trace\n");
        const long Second = 1_000_000_000;
        long ts = Second;
        ulong next = 0xc000010000;
        int goid = 18;

        ulong Create(string fn, string creator)
        {
            ulong g = next += 0x1a0;
            trace.Append(c, $"newproc1: ts={ts += 1000} goroutine={g:x} parent=824633749504 goid={goid++} fn={fn} creator={creator}\n");
            return g;
        }

        void Event(string line) => trace.Append(c, $"{line.Replace("TS", (ts += 1000).ToString(c), StringComparison.Ordinal)}\n");

        var workers = new List<ulong>();
        for (int i = 0; i < 4; i++)
        {
            workers.Add(Create("main.(*Pool).worker", "main.(*Pool).Start"));
        }

        for (int job = 0; job < 12; job++)
        {
            ulong worker = workers[job % workers.Count];
            Event($"gopark: ts=TS goroutine={worker:x} reason=7 wait=14 obj=c0000200c0");
            Event($"ready: ts=TS goroutine={worker:x}");
            ulong shortLived = Create("main.handle", "main.(*Pool).worker");
            Event($"gopark: ts=TS goroutine={shortLived:x} reason=14 wait=19");
            Event($"ready: ts=TS goroutine={shortLived:x}");
            Event($"godestroy: ts=TS goroutine={shortLived:x}");
        }

        // Two workers finish; the other two wait for jobs that never come.
        Event($"godestroy: ts=TS goroutine={workers[0]:x}");
        Event($"godestroy: ts=TS goroutine={workers[1]:x}");
        Event($"gopark: ts=TS goroutine={workers[2]:x} reason=7 wait=14 obj=c0000200c0");
        Event($"gopark: ts=TS goroutine={workers[3]:x} reason=7 wait=14 obj=c0000200c0");
        for (int i = 0; i < 3; i++)
        {
            ulong sender = Create("main.Gather.func1", "main.Gather");
            Event($"gopark: ts=TS goroutine={sender:x} reason=6 wait=15 obj=c000020060");
        }

        // The program exits, as the bundled scripts print it, and the tracer's end follows: a quiesced program.
        ts += 2 * Second;
        trace.Append("# exit code=0\n");
        Event("END: ts=TS");
        return Encoding.UTF8.GetBytes(trace.ToString());
    }
}
