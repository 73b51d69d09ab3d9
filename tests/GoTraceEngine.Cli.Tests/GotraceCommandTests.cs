using System.CommandLine;
using System.Text;
using System.Text.RegularExpressions;

using static GoTraceEngine.Cli.Tests.Gotrace;

namespace GoTraceEngine.Cli.Tests;

/// <summary>Every command's <c>--help</c>, walked from the command tree itself, so a new command or option is checked too.</summary>
public sealed partial class GotraceCommandTests
{
    /// <summary>Placeholder names checked even where no option of the command uses them (a description saying "to FILE").</summary>
    private static readonly string[] s_commonPlaceholders = ["FILE", "DIR", "PROGRAM", "PID", "N", "DURATION", "PATH", "HOST:PORT", "MS", "SECONDS", "VERSION"];

    /// <summary>Every command by its path: "" for gotrace itself, then "replay", "check"…</summary>
    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        foreach (string path in Paths(NewRoot(), string.Empty))
        {
            data.Add(path);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_EveryCommand_EndsWithOneExampleThatParses(string command)
    {
        string help = await HelpAsync(command);
        Match section = ExamplesSection().Match(help);
        Assert.True(section.Success, $"'gotrace {command} --help' has no Examples: section with one example at its end:\n{help}");

        // The example runs this command (the root's runs one of its commands) and parses without a usage error.
        string example = section.Groups["example"].Value;
        Match invocation = Invocation().Match(example);
        Assert.True(invocation.Success, $"the example does not run gotrace: {example}");
        string[] args = ShellWords(invocation.Groups["args"].Value);
        Assert.Equal(command.Split(' ', StringSplitOptions.RemoveEmptyEntries), args.Take(command.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length));
        Assert.NotEmpty(args);
        RootCommand root = NewRoot();
        Assert.Null(UsageErrors.Describe(root, root.Parse(args)));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_EveryCommand_NamesEveryPlaceholder(string command)
    {
        string help = await HelpAsync(command);
        Assert.DoesNotContain("<<", help, StringComparison.Ordinal);
        Assert.DoesNotContain(">>", help, StringComparison.Ordinal);

        // Every option that takes a value shows it as <NAME> or <one|other>, never as a bare word or the option's own name.
        foreach (Match option in OptionLine().Matches(help))
        {
            Group value = option.Groups["value"];
            if (value.Success)
            {
                Assert.Matches(@"^<([A-Z][A-Z:]*|[a-z0-9]+(\|[a-z0-9]+)+)>$", value.Value);
            }
        }

        // No placeholder name appears outside its brackets: in a description, an argument or a usage line.
        var names = new HashSet<string>(s_commonPlaceholders, StringComparer.Ordinal);
        foreach (string path in Paths(NewRoot(), string.Empty))
        {
            foreach (Match named in NamedPlaceholder().Matches(await HelpAsync(path)))
            {
                names.Add(named.Groups[1].Value);
            }
        }

        string outside = Bracketed().Replace(help, " ");
        foreach (string name in names)
        {
            Assert.DoesNotMatch($@"(?<![\w:.-]){Regex.Escape(name)}(?![\w:])", outside);
        }
    }

    [Fact]
    public async Task Help_NoArguments_IsTheRootHelpWithItsExample()
    {
        (int exit, string output, string error) = await RunAsync();
        Assert.Equal(0, exit);
        Assert.Empty(error);
        Assert.Equal(await HelpAsync(string.Empty), output);
        Assert.EndsWith("Examples:\n  sudo gotrace trace -- ./prog\n\n", output, StringComparison.Ordinal);
    }

    private static async Task<string> HelpAsync(string command)
    {
        (int exit, string output, string error) = await RunAsync([.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);
        Assert.True(exit == 0, error);
        Assert.Empty(error);
        return output;
    }

    private static RootCommand NewRoot() =>
        GotraceCommand.CreateRoot(new CliContext(() => new MemoryStream(), TextWriter.Null, TextWriter.Null, StderrIsTerminal: false));

    private static IEnumerable<string> Paths(Command command, string path)
    {
        yield return path;
        foreach (Command sub in command.Subcommands)
        {
            foreach (string inner in Paths(sub, (path + " " + sub.Name).TrimStart()))
            {
                yield return inner;
            }
        }
    }

    /// <summary>Splits a command line as sh does for plain words and single quotes (all the examples use).</summary>
    private static string[] ShellWords(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool quoted = false, any = false;
        foreach (char c in line)
        {
            if (c == '\'')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (any)
                {
                    words.Add(word.ToString());
                }

                word.Clear();
                any = false;
            }
            else
            {
                word.Append(c);
                any = true;
            }
        }

        Assert.False(quoted, "unbalanced quote in " + line);
        if (any)
        {
            words.Add(word.ToString());
        }

        return [.. words];
    }

    [GeneratedRegex(@"\n\nExamples:\n  (?<example>\S[^\n]*)\n\n$")]
    private static partial Regex ExamplesSection();

    /// <summary>gotrace and its arguments, up to a pipe or a redirection.</summary>
    [GeneratedRegex(@"(?:^|[\s|])gotrace (?<args>[^|>]*?)\s*(?:$|[|>])")]
    private static partial Regex Invocation();

    [GeneratedRegex(@"(?m)^  (?:-\S+, )*--[a-z-]+(?: (?<value>\S+))?(?: {2,}|$)")]
    private static partial Regex OptionLine();

    [GeneratedRegex(@"<([A-Z][A-Z:]*)>")]
    private static partial Regex NamedPlaceholder();

    [GeneratedRegex(@"<[^<>\s]+>")]
    private static partial Regex Bracketed();
}
