using System.CommandLine;
using System.CommandLine.Parsing;

namespace GoTraceEngine.Cli;

/// <summary>
/// Usage errors in one line a person can act on: an unknown command or option with the nearest known one
/// ("did you mean"), a value that is not a number said in words, never a .NET type name.
/// </summary>
internal static class UsageErrors
{
    /// <summary>The one-line description of the first usage error in <paramref name="parse"/>, or null when there is none.</summary>
    public static string? Describe(RootCommand root, ParseResult parse)
    {
        Command command = parse.CommandResult.Command;
        foreach (Token token in parse.Tokens)
        {
            if (token.Type == TokenType.DoubleDash)
            {
                break;
            }

            if (token.Type == TokenType.Argument && token.Value.Length > 1 && token.Value[0] == '-' && !IsNumber(token.Value))
            {
                return $"unknown option '{token.Value}' for '{Name(command)}'{Suggest(token.Value, OptionNames(command))}";
            }
        }

        if (parse.Errors.Count == 0)
        {
            return null;
        }

        if (ReferenceEquals(command, root) && parse.UnmatchedTokens.Count > 0)
        {
            string word = parse.UnmatchedTokens[0];
            return $"unknown command '{word}'{Suggest(word, root.Subcommands.Select(c => c.Name))}; the commands are {string.Join(", ", root.Subcommands.Select(c => c.Name))}";
        }

        if (parse.UnmatchedTokens.Count > 0)
        {
            return $"unexpected argument '{parse.UnmatchedTokens[0]}' for '{Name(command)}'";
        }

        return GotraceCommand.OneLine(parse.Errors[0].Message);
    }

    /// <summary>"replay " for a subcommand's errors, "" for the root's: where <c>--help</c> explains.</summary>
    public static string CommandPath(ParseResult parse) =>
        parse.CommandResult.Command is RootCommand ? string.Empty : parse.CommandResult.Command.Name + " ";

    /// <summary>An option whose value must be a whole number in a range, with a message in words when it is not.</summary>
    public static Option<long> Integer(string name, string description, long min, long max, long defaultValue, string helpName = "N")
    {
        Option<long> option = new(name)
        {
            Description = description,
            HelpName = helpName,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result => ParseInteger(result, name, min, max),
        };
        return option;
    }

    /// <summary>Like <see cref="Integer"/>, with no value when the option is absent.</summary>
    public static Option<long?> OptionalInteger(string name, string description, long min, long max, string helpName = "N")
    {
        Option<long?> option = new(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result => ParseInteger(result, name, min, max),
        };
        return option;
    }

    private static long ParseInteger(ArgumentResult result, string name, long min, long max)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;
        if (long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long value)
            && value >= min && value <= max)
        {
            return value;
        }

        result.AddError(max == long.MaxValue
            ? $"{name} takes a whole number of at least {min}, not '{text}'"
            : $"{name} takes a whole number from {min} to {max}, not '{text}'");
        return min;
    }

    private static string Name(Command command) => command is RootCommand ? "gotrace" : "gotrace " + command.Name;

    private static IEnumerable<string> OptionNames(Command command) =>
        command.Options.Concat(command.Parents.OfType<Command>().SelectMany(p => p.Options.Where(o => o.Recursive)))
            .SelectMany(o => o.Aliases.Prepend(o.Name));

    private static bool IsNumber(string value) => double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out _);

    /// <summary>" (did you mean 'x'?)" for the closest candidate within a small edit distance, or nothing.</summary>
    internal static string Suggest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            int distance = candidate.StartsWith(word, StringComparison.Ordinal) && word.TrimStart('-').Length >= 2 ? 1 : Distance(word, candidate);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best is not null && bestDistance <= Math.Max(2, word.Length / 3) ? $" (did you mean '{best}'?)" : string.Empty;
    }

    /// <summary>Levenshtein distance.</summary>
    private static int Distance(string a, string b)
    {
        var row = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            row[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }
}
