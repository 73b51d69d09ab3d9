using System.CommandLine;
using System.Globalization;
using System.Text.Json;
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
        Option<string> format = new("--format", "-f") { Description = "Output format: text or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        Option<long> maxLeaks = new("--max-leaks") { Description = "How many leaked goroutines (not ignored, not in the baseline) are allowed.", DefaultValueFactory = _ => 0 };
        Option<string[]> ignore = new("--ignore") { Description = "Ignore leak groups whose start function or creator matches this glob (* and ?); repeatable.", HelpName = "GLOB", AllowMultipleArgumentsPerToken = false };
        Option<string[]> ignoreReason = new("--ignore-reason") { Description = "Ignore leak groups blocked for this reason (name, e.g. select, or code); repeatable.", HelpName = "NAME" };
        Option<string?> baseline = new("--baseline") { Description = "Accept the leak groups recorded in this file (written by --write-baseline).", HelpName = "FILE" };
        Option<string?> writeBaseline = new("--write-baseline") { Description = "Record the current leak groups as accepted, and pass.", HelpName = "FILE" };
        Option<string?> junit = new("--junit") { Description = "Also write JUnit XML: one test case per leak group.", HelpName = "FILE" };
        var engineOptions = new EngineOptions();

        Command command = new("check", "CI gate: fail (exit 1) when goroutines leak beyond the budget, listing where they started.")
        {
            file, format, maxLeaks, ignore, ignoreReason, baseline, writeBaseline, junit,
        };
        engineOptions.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            TraceEngineOptions options = engineOptions.Build(parse, out string? error);
            if (error is not null || parse.GetValue(maxLeaks) < 0)
            {
                await context.Stderr.WriteLineAsync($"gotrace: {error ?? "--max-leaks must be 0 or more"}").ConfigureAwait(false);
                return GotraceCommand.ExitError;
            }

            LeakBaseline? accepted = null;
            if (parse.GetValue(baseline) is { } baselinePath)
            {
                try
                {
                    accepted = JsonSerializer.Deserialize(await File.ReadAllTextAsync(baselinePath, cancellationToken).ConfigureAwait(false), CheckJsonContext.Default.LeakBaseline);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
                {
                    await context.Stderr.WriteLineAsync($"gotrace: cannot read baseline '{baselinePath}': {(e is FileNotFoundException ? "no such file" : e.Message)}").ConfigureAwait(false);
                    return GotraceCommand.ExitError;
                }
            }

            string path = parse.GetValue(file) ?? "-";
            TraceSummary? summary = await Replay.RunAsync(context, path, options, cancellationToken).ConfigureAwait(false);
            if (summary is null)
            {
                return GotraceCommand.ExitError;
            }

            if (summary.Incomplete.Contains("replay was interrupted"))
            {
                await context.Stderr.WriteLineAsync("gotrace: interrupted before the end of the trace: no verdict").ConfigureAwait(false);
                return GotraceCommand.ExitError;
            }

            var budget = new LeakBudget(parse.GetValue(ignore) ?? [], parse.GetValue(ignoreReason) ?? [], accepted, parse.GetValue(maxLeaks));
            CheckResult result = budget.Judge(summary);
            try
            {
                if (parse.GetValue(writeBaseline) is { } writePath)
                {
                    LeakBaseline recorded = LeakBudget.BaselineOf(result);
                    await OutputFile.WriteAsync(writePath, stream => { JsonSerializer.Serialize(stream, recorded, CheckJsonContext.Default.LeakBaseline); return 0; }, cancellationToken).ConfigureAwait(false);
                    result = new LeakBudget(parse.GetValue(ignore) ?? [], parse.GetValue(ignoreReason) ?? [], recorded, parse.GetValue(maxLeaks)).Judge(summary);
                }

                if (parse.GetValue(junit) is { } junitPath)
                {
                    await OutputFile.WriteAsync(junitPath, stream => { JUnitWriter.Write(result, stream); return 0; }, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await context.Stderr.WriteLineAsync($"gotrace: cannot write: {e.Message}").ConfigureAwait(false);
                return GotraceCommand.ExitError;
            }

            if (parse.GetValue(format) == "json")
            {
                var json = new CheckResultJson(result.Passed, result.MaxLeaks, result.Offending, summary.LeakAfterNs, result.Groups, summary.Warnings);
                await context.Stdout.WriteLineAsync(JsonSerializer.Serialize(json, CheckJsonContext.Default.CheckResultJson)).ConfigureAwait(false);
            }
            else
            {
                WriteText(result, context.Stdout);
            }

            return result.Passed ? GotraceCommand.ExitOk : GotraceCommand.ExitLeaks;
        });
        return command;
    }

    public static string Describe(JudgedGroup group) =>
        $"{group.StartFunction ?? "(start function unknown)"}{(group.Creator is null ? string.Empty : " created by " + group.Creator)}: {group.Reason}";

    private static void WriteText(CheckResult result, TextWriter writer)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        long accepted = result.Groups.Sum(g => g.Accepted);
        long ignored = result.Groups.Where(g => g.Verdict == "ignored").Sum(g => g.Count);
        writer.WriteLine(string.Create(c,
            $"gotrace check: {(result.Passed ? "PASS" : "FAIL")}: {result.Offending} leaked goroutine{(result.Offending == 1 ? string.Empty : "s")}, budget {result.MaxLeaks} ({accepted} accepted by the baseline, {ignored} ignored)"));
        foreach (JudgedGroup group in result.Groups.OrderBy(g => g.Verdict == "offending" ? 0 : g.Verdict == "accepted" ? 1 : 2))
        {
            string oldest = group.OldestBlockedNs is { } ns ? "  oldest " + ReportWriter.FormatDuration(ns) : string.Empty;
            string count = group.Verdict == "offending" && group.Accepted > 0 ? $"{group.Offending} of {group.Count}" : group.Count.ToString(c);
            string rule = group.Rule is null ? string.Empty : $"  ({group.Rule})";
            writer.WriteLine(string.Create(c, $"  {group.Verdict,-9}  {count,5}  {Describe(group)} ({group.ReasonCode}){oldest}{rule}"));
        }

        if (result.Report.Warnings.Count > 0)
        {
            writer.WriteLine(string.Create(c, $"  warning: the trace reports {result.Report.Warnings.Count + result.Report.WarningsOmitted} problem(s) (data loss, probe errors): leaks may be missing from it"));
        }
    }
}
