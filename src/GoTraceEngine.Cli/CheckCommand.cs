using System.CommandLine;
using System.Globalization;
using GoTraceEngine.Reporting;

namespace GoTraceEngine.Cli;

/// <summary>
/// <c>gotrace check [FILE|-]</c>: the CI gate. Exit 0 when the leaked goroutines fit the budget, 1 when they do not
/// (listing the offending groups), 2 on errors.
/// </summary>
internal static class CheckCommand
{
    public static Command Create(CliContext context)
    {
        Argument<string> file = new("FILE") { Description = "Captured tracer output; '-' or nothing reads standard input.", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => "-" };
        var check = new CheckOptions();
        var engineOptions = new EngineOptions();
        Command command = new("check", "CI gate: fail (exit 1) when goroutines leak beyond the budget, listing where they started.") { file };
        HelpExamples.Set(command, "gotrace check capture.txt --max-leaks 0 --ignore 'net/http.*' --junit leaks.xml");
        check.AddTo(command, withFormat: true);
        engineOptions.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            TraceEngineOptions options = engineOptions.Build(parse);

            string path = parse.GetValue(file) ?? "-";
            TraceSummary? summary = await Replay.RunAsync(context, path, options, cancellationToken).ConfigureAwait(false);
            return summary is null ? ExitCodes.Error : await check.JudgeAsync(context, parse, summary, parse.GetValue(check.Format) == "json", cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    public static string Describe(JudgedGroup group) =>
        $"{group.StartFunction ?? "(start function unknown)"}{(group.Creator is null ? string.Empty : " created by " + group.Creator)}: {group.Reason}";

    public static void WriteText(GateVerdict result, TextWriter writer)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        long accepted = result.Groups.Sum(g => g.Accepted);
        long ignored = result.Groups.Where(g => g.Verdict == GroupVerdict.Ignored).Sum(g => g.Count);
        writer.WriteLine(string.Create(c,
            $"gotrace check: {(result.Passed ? "PASS" : "FAIL")}: {result.Offending} leaked goroutine{(result.Offending == 1 ? string.Empty : "s")}, budget {result.MaxLeaks} ({accepted} accepted by the baseline, {ignored} ignored)"));
        foreach (JudgedGroup group in result.Groups.OrderBy(g => g.Verdict == GroupVerdict.Offending ? 0 : g.Verdict == GroupVerdict.Accepted ? 1 : 2))
        {
            string oldest = group.OldestBlockedNs is { } ns ? "  oldest " + ReportWriter.FormatDuration(ns) : string.Empty;
            string count = group.Verdict == GroupVerdict.Offending && group.Accepted > 0 ? $"{group.Offending} of {group.Count}" : group.Count.ToString(c);
            string rule = group.Rule is null ? string.Empty : $"  ({group.Rule})";
            writer.WriteLine(string.Create(c, $"  {ReportNames.Of(group.Verdict),-9}  {count,5}  {Describe(group)} ({group.ReasonCode}){oldest}{rule}"));
            if (group.Verdict == GroupVerdict.Offending && group.Evidence is { } evidence)
            {
                // Which of the verdict's rules made them leaks, and the numbers behind it.
                writer.WriteLine($"             {group.LeakRule}: {evidence}");
            }
        }

        if (result.Report.Incomplete.Count > 0)
        {
            writer.WriteLine("  incomplete: " + string.Join("; ", result.Report.Incomplete));
        }

        if (result.Report.Warnings.Count > 0)
        {
            writer.WriteLine(string.Create(c, $"  warning: the trace reports {result.Report.Warnings.Count + result.Report.WarningsOmitted} problem(s) (data loss, probe errors): leaks may be missing from it"));
        }
    }
}
