using System.IO.Pipelines;
using GoTraceEngine.Reporting;

namespace GoTraceEngine.Tests.Infrastructure;

/// <summary>Feeds the same input to an engine in the ways a pipe, a stream or a caller may cut it.</summary>
internal static class Replays
{
    public static IEnumerable<string> Ways => ["whole", "three", "bytewise", "random", "chunked-stream", "pipe-reader"];

    /// <summary>The report of a trace written out in a test, fed whole to a default engine.</summary>
    public static TraceSummary Whole(string trace)
    {
        var engine = new TraceEngine();
        engine.Feed(System.Text.Encoding.UTF8.GetBytes(trace));
        engine.Complete();
        return engine.GetSummary();
    }

    /// <summary>A report's text form, with <c>\n</c> line ends.</summary>
    public static string Text(TraceSummary summary)
    {
        using var writer = new StringWriter { NewLine = "\n" };
        ReportWriter.WriteText(summary, writer);
        return writer.ToString();
    }

    public static async Task<TraceSummary> RunAsync(byte[] data, string way, TraceEngineOptions options = default)
    {
        var engine = new TraceEngine(options);
        switch (way)
        {
            case "whole":
                engine.Feed(data);
                engine.Complete();
                break;
            case "three":
                engine.FeedSequence(SequenceFactory.SplitInThree(data));
                engine.Complete();
                break;
            case "bytewise":
                engine.FeedSequence(SequenceFactory.BytewiseWithEmpties(data));
                engine.Complete();
                break;
            case "random":
                var random = new Random(data.Length);
                int at = 0;
                while (at < data.Length)
                {
                    int n = Math.Min(random.Next(0, 40), data.Length - at);
                    engine.Feed(data.AsSpan(at, n));
                    at += n;
                }

                engine.Complete();
                break;
            case "chunked-stream":
                // CR separated from LF, hex pointers cut in half: odd, small, cycling read sizes.
                engine.Replay(new ChunkedStream(data, [1, 7, 2, 13, 3, 64, 5]));
                break;
            case "pipe-reader":
                var pipe = new Pipe(new PipeOptions(minimumSegmentSize: 16, pauseWriterThreshold: 0));
                Task reading = engine.ReplayAsync(pipe.Reader).AsTask();
                int offset = 0;
                var sizes = new[] { 5, 1, 33, 2, 17 };
                for (int i = 0; offset < data.Length; i++)
                {
                    int n = Math.Min(sizes[i % sizes.Length], data.Length - offset);
                    await pipe.Writer.WriteAsync(data.AsMemory(offset, n));
                    offset += n;
                }

                await pipe.Writer.CompleteAsync();
                await reading;
                await pipe.Reader.CompleteAsync();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(way), way, null);
        }

        return engine.GetSummary();
    }
}
