using System.Text.Json;

namespace GoTraceEngine.Reporting;

/// <summary>
/// Accepted leak groups (like goleak's <c>IgnoreCurrent</c>), the file <c>gotrace check --write-baseline</c> writes
/// and <c>--baseline</c> reads: <c>{"version": 1, "groups": [{"startFunction", "creator", "reason", "count"}…]}</c>.
/// </summary>
/// <remarks>Members are <c>init</c>, so the format can grow without breaking binary compatibility.</remarks>
public sealed record LeakBaseline
{
    /// <summary>The format version this library reads and writes.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The file format version.</summary>
    public int Version { get; init; }

    /// <summary>The accepted groups and how many leaked goroutines each may hold.</summary>
    public IReadOnlyList<BaselineGroup>? Groups { get; init; }

    /// <summary>Reads a baseline file's text, checking it: any problem is an exception, never a baseline that accepts nothing.</summary>
    /// <param name="json">The file's text.</param>
    /// <returns>The baseline.</returns>
    /// <exception cref="FormatException">Not baseline JSON, another version, no groups, or a group that cannot be right (negative count, no reason).</exception>
    public static LeakBaseline Parse(string json)
    {
        LeakBaseline? baseline;
        try
        {
            baseline = JsonSerializer.Deserialize(json, ReportJsonContext.Default.LeakBaseline);
        }
        catch (JsonException e)
        {
            throw new FormatException(
                $"not baseline JSON (at {e.Path ?? "$"}, line {(e.LineNumber ?? 0) + 1}: {(e.InnerException is OverflowException or FormatException ? "a number out of range" : "unexpected content")})", e);
        }

        string? problem = baseline switch
        {
            null => "it is empty (null)",
            { Version: not CurrentVersion } => $"version {baseline.Version} is not one this gotrace reads (it writes version {CurrentVersion})",
            { Groups: null } => "it has no \"groups\" list",
            _ => baseline.Groups.Select((g, i) => g is null ? $"group {i + 1} is null"
                    : g.Count < 0 ? $"group {i + 1} ({g.StartFunction ?? "(unknown)"}: {g.Reason}) has a negative count ({g.Count})"
                    : g.Reason is null ? $"group {i + 1} has no reason"
                    : null).FirstOrDefault(p => p is not null),
        };
        return problem is null ? baseline! : throw new FormatException(problem);
    }

    /// <summary>The baseline as the file's JSON text.</summary>
    /// <returns>Indented JSON.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, ReportJsonContext.Default.LeakBaseline);
}
