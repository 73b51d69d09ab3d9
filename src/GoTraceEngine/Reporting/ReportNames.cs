using System.Text.Json;
using GoTraceEngine.Parsing;

namespace GoTraceEngine.Reporting;

/// <summary>The camelCase names the report (text and JSON) and the metrics give line categories and event kinds: one map.</summary>
public static class ReportNames
{
    private static readonly string[] s_categories =
    [
        "event", "blank", "header", "traceHeader", "tracerMessage", "dataLoss", "probeError", "tracerFatal", "flow",
        "stackFrame", "aggregation", "otherProbe", "malformed", "tooLong", "invalidUtf8", "symbol", "programOutput",
    ];

    private static readonly string[] s_kinds = ["none", "create", "park", "ready", "destroy", "tick", "end"];

    // Made once: a report names the rule of every blocked goroutine it judges (263 k at 1 M live).
    private static readonly string?[] s_rules = RuleNames();

    /// <summary>The name of a line category (<c>dataLoss</c>, <c>programOutput</c>).</summary>
    /// <param name="category">The category.</param>
    /// <returns>Its name, or <c>unknown</c>.</returns>
    public static string Of(LineCategory category) => (uint)category < (uint)s_categories.Length ? s_categories[(int)category] : "unknown";

    /// <summary>The name of an event kind (<c>create</c>, <c>park</c>).</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>Its name, or <c>none</c>.</returns>
    public static string Of(TraceEventKind kind) => (uint)kind < (uint)s_kinds.Length ? s_kinds[(int)kind] : "none";

    /// <summary>The name of a warning kind (<c>dataLoss</c>, <c>limit</c>), as the JSON writes it.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>Its name.</returns>
    public static string Of(WarningKind kind) => JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());

    /// <summary>The name of a diagnostic kind (<c>malformed</c>, <c>tooLong</c>), as the JSON writes it.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>Its name.</returns>
    public static string Of(DiagnosticKind kind) => JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());

    /// <summary>The name of an incomplete-report reason (<c>interrupted</c>), as the JSON writes it.</summary>
    /// <param name="reason">The reason.</param>
    /// <returns>Its name.</returns>
    public static string Of(IncompleteReason reason) => JsonNamingPolicy.CamelCase.ConvertName(reason.ToString());

    /// <summary>The name of a CI gate decision (<c>offending</c>), as the JSON writes it.</summary>
    /// <param name="verdict">The decision.</param>
    /// <returns>Its name.</returns>
    public static string Of(GroupVerdict verdict) => JsonNamingPolicy.CamelCase.ConvertName(verdict.ToString());

    /// <summary>The name of a verdict rule (<c>farBeyondGroupReleases</c>), as the report and the CI gate write it.</summary>
    /// <param name="rule">The rule.</param>
    /// <returns>Its name.</returns>
    internal static string Of(Verdict.VerdictRule rule) => s_rules[(byte)rule] ?? JsonNamingPolicy.CamelCase.ConvertName(rule.ToString());

    /// <summary>How many line categories there are.</summary>
    internal static int CategoryCount => s_categories.Length;

    /// <summary>How many event kinds there are (with <see cref="TraceEventKind.None"/>).</summary>
    internal static int KindCount => s_kinds.Length;

    private static string?[] RuleNames()
    {
        var names = new string?[byte.MaxValue + 1];
        foreach (Verdict.VerdictRule rule in Enum.GetValues<Verdict.VerdictRule>())
        {
            names[(byte)rule] = JsonNamingPolicy.CamelCase.ConvertName(rule.ToString());
        }

        return names;
    }
}
