using System.Text;

namespace GoTraceEngine.Reporting;

/// <summary>
/// The report's warnings and line diagnostics, each with its line number: the first few verbatim, all counted. The
/// rare path of the engine: it may allocate a bounded number of messages; the per-event path never calls it.
/// </summary>
internal sealed class TraceMessages(int maxWarnings, int maxDiagnostics)
{
    private const int MaxExcerptLength = 200;

    private readonly List<TraceWarning> _warnings = [];
    private readonly List<LineDiagnostic> _diagnostics = [];

    public long WarningsOmitted { get; private set; }

    public long DiagnosticsOmitted { get; private set; }

    public IReadOnlyList<TraceWarning> Warnings => _warnings;

    public IReadOnlyList<LineDiagnostic> Diagnostics => _diagnostics;

    public void Warn(WarningKind kind, long lineNumber, ReadOnlySpan<byte> line)
    {
        if (_warnings.Count >= maxWarnings)
        {
            WarningsOmitted++;
            return;
        }

        _warnings.Add(new TraceWarning { Kind = kind, Line = lineNumber, Message = Excerpt(line) });
    }

    public void Diagnose(DiagnosticKind kind, long lineNumber, string message, ReadOnlySpan<byte> line)
    {
        if (_diagnostics.Count >= maxDiagnostics)
        {
            DiagnosticsOmitted++;
            return;
        }

        _diagnostics.Add(new LineDiagnostic { Line = lineNumber, Category = kind, Message = message, Text = Excerpt(line) });
    }

    /// <summary>The start of a line as text (at most 200 characters), trailing blanks dropped.</summary>
    public static string Excerpt(ReadOnlySpan<byte> line)
    {
        line = line.TrimEnd("\r \t"u8);
        if (line.Length > MaxExcerptLength)
        {
            line = line[..MaxExcerptLength];
        }

        return Encoding.UTF8.GetString(line);
    }
}
