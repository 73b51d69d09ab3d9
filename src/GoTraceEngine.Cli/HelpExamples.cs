using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace GoTraceEngine.Cli;

/// <summary>
/// One example per command, shown in an "Examples:" section at the end of its <c>--help</c>. System.CommandLine 2.0
/// has no examples section of its own, so the root's help option gets an action that runs the standard
/// <see cref="HelpAction"/> and then writes the example of the command the help is for.
/// </summary>
internal static class HelpExamples
{
    private static readonly ConditionalWeakTable<Command, string> s_examples = [];

    /// <summary>Sets <paramref name="command"/>'s example: a command line as a user types it.</summary>
    public static void Set(Command command, string example) => s_examples.AddOrUpdate(command, example);

    /// <summary><paramref name="command"/>'s example, or null when it has none.</summary>
    public static string? Get(Command command) => s_examples.TryGetValue(command, out string? example) ? example : null;

    /// <summary>Makes <paramref name="root"/>'s help option (which every subcommand inherits) print each command's example.</summary>
    public static void Attach(RootCommand root)
    {
        HelpOption help = root.Options.OfType<HelpOption>().Single();
        help.Action = new ExampleHelpAction((HelpAction)help.Action!);
    }

    /// <summary>The standard help, then an "Examples:" section.</summary>
    private sealed class ExampleHelpAction(HelpAction help) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            int exit = help.Invoke(parseResult);
            if (Get(parseResult.CommandResult.Command) is { } example)
            {
                TextWriter output = parseResult.InvocationConfiguration.Output;
                output.WriteLine("Examples:");
                output.WriteLine("  " + example);
                output.WriteLine();
            }

            return exit;
        }
    }
}
