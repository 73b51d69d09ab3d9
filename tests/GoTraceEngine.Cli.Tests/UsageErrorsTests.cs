using static GoTraceEngine.Cli.Tests.Gotrace;

namespace GoTraceEngine.Cli.Tests;

public sealed class UsageErrorsTests
{
    [Theory]
    [InlineData(new[] { "frobnicate" }, "gotrace: unknown command 'frobnicate'; the commands are replay, check, watch, trace, script, gen (see 'gotrace --help')\n")]
    [InlineData(new[] { "replya", "x" }, "gotrace: unknown command 'replya' (did you mean 'replay'?); the commands are replay, check, watch, trace, script, gen (see 'gotrace --help')\n")]
    [InlineData(new[] { "replay", "--bogus", "x" }, "gotrace: unknown option '--bogus' for 'gotrace replay' (see 'gotrace replay --help')\n")]
    [InlineData(new[] { "replay", "--stat", "x" }, "gotrace: unknown option '--stat' for 'gotrace replay' (did you mean '--stats'?) (see 'gotrace replay --help')\n")]
    [InlineData(new[] { "check", "x", "--max-leaks", "lots" }, "gotrace: --max-leaks takes a whole number of at least 0, not 'lots' (see 'gotrace check --help')\n")]
    [InlineData(new[] { "replay", "x", "--max-goroutines", "abc" }, "gotrace: --max-goroutines takes a whole number from 1 to 2147483647, not 'abc' (see 'gotrace replay --help')\n")]
    [InlineData(new[] { "gen", "--events", "10", "--live", "abc" }, "gotrace: --live takes a whole number from 1 to 268435456, not 'abc' (see 'gotrace gen --help')\n")]
    [InlineData(new[] { "gen", "--events", "0" }, "gotrace: --events and --size take a positive number (at most 9.2E18) with an optional k/M/G (KB/MB/GB) suffix, e.g. --events 10M (see 'gotrace gen --help')\n")]
    [InlineData(new[] { "gen", "--events", "99999999999999999999" }, "gotrace: --events and --size take a positive number (at most 9.2E18) with an optional k/M/G (KB/MB/GB) suffix, e.g. --events 10M (see 'gotrace gen --help')\n")]
    [InlineData(new[] { "watch", "x", "--refresh", "5" }, "gotrace: --refresh takes a whole number from 20 to 60000, not '5' (see 'gotrace watch --help')\n")]
    [InlineData(new[] { "trace", "-p", "abc" }, "gotrace: --pid takes a whole number from 1 to 2147483647, not 'abc' (see 'gotrace trace --help')\n")]
    public async Task Parse_BadUsage_OneLineInWordsExitTwo(string[] args, string expected)
    {
        (int exit, string output, string error) = await RunAsync(args);
        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Equal(expected, error);
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NoArguments_PrintsTheHelpWithEveryCommand()
    {
        (int exit, string output, string error) = await RunAsync();
        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, error);
        foreach (string command in new[] { "replay", "check", "watch", "trace", "script", "gen" })
        {
            Assert.Contains(command, output, StringComparison.Ordinal);
        }
    }
}
