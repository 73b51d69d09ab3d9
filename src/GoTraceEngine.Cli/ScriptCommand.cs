using System.CommandLine;
using GoTraceEngine.State;

namespace GoTraceEngine.Cli;

/// <summary>
/// <c>gotrace script --tracer dtrace|bpftrace [--arch] [--go] [--binary]</c>: prints a bundled tracer script;
/// <c>gotrace script --symbols --binary PROGRAM</c>: prints the binary's Go-native names as trace lines instead.
/// </summary>
internal static class ScriptCommand
{
    public static Command Create(CliContext context)
    {
        Option<string?> tracer = new("--tracer") { Description = "dtrace (macOS, illumos, FreeBSD) or bpftrace (Linux)." };
        tracer.AcceptOnlyFromAmong("dtrace", "bpftrace");
        Option<string> arch = new("--arch") { Description = "amd64 or arm64 (bpftrace: amd64).", DefaultValueFactory = _ => "amd64" };
        arch.AcceptOnlyFromAmong("amd64", "arm64");
        Option<string?> go = new("--go") { Description = "The program's Go version (default: read from --binary, else 1.22).", HelpName = "VERSION" };
        Option<string?> binary = new("--binary") { Description = "The Go program to trace: fills its path (bpftrace), Go version and g offsets from its DWARF.", HelpName = "PATH" };
        Option<string> os = new("--os") { Description = "The operating system named in the DTrace script's header (e.g. darwin, illumos, freebsd).", HelpName = "OS", DefaultValueFactory = _ => "darwin" };
        Option<bool> symbols = new("--symbols") { Description = "Print the --binary's go-statement wrappers and sites as '# gotrace' lines (prepend them to a capture), not a script." };

        Command command = new("script", "Print a tracer script that writes the full event format, ready for gotrace replay.")
        {
            tracer, arch, go, binary, os, symbols,
        };

        HelpExamples.Set(command, "gotrace script --tracer bpftrace --binary ./prog > trace.bt");
        command.Validators.Add(result =>
        {
            bool wantsSymbols = result.GetValue(symbols);
            if (wantsSymbols && result.GetValue(binary) is null)
            {
                result.AddError("--symbols needs --binary PROGRAM");
            }
            else if (!wantsSymbols && result.GetValue(tracer) is null)
            {
                result.AddError("Option '--tracer' is required.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(symbols))
            {
                return await WriteSymbolsAsync(context, parse.GetValue(binary)!).ConfigureAwait(false);
            }

            string? binaryPath = parse.GetValue(binary);
            string goText = parse.GetValue(go) ?? "1.22";
            GOffsets offsets = ScriptCatalog.DefaultOffsets;
            if (binaryPath is not null)
            {
                byte[] file;
                try
                {
                    file = await File.ReadAllBytesAsync(binaryPath, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    await context.Stderr.WriteLineAsync($"gotrace: cannot read '{binaryPath}': {e.Message}").ConfigureAwait(false);
                    return ExitCodes.Error;
                }

                goText = parse.GetValue(go) ?? GoBinary.GoVersion(file) ?? goText;
                if (GoBinary.ReadGOffsets(binaryPath, out string? error) is { } read)
                {
                    offsets = read;
                }
                else
                {
                    await context.Stderr.WriteLineAsync($"gotrace: {error}").ConfigureAwait(false);
                    return ExitCodes.Error;
                }
            }

            if (!GoBinary.TryParseVersion(goText.StartsWith("go", StringComparison.Ordinal) ? goText : "go" + goText, out GoVersion version))
            {
                await context.Stderr.WriteLineAsync($"gotrace: '{goText}' is not a Go version").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            string? name = ScriptCatalog.ScriptName(parse.GetValue(tracer)!, parse.GetValue(arch)!, version);
            if (name is null)
            {
                await context.Stderr.WriteLineAsync($"gotrace: no {parse.GetValue(tracer)} script for {parse.GetValue(arch)} and {version} (bpftrace: amd64, Go >= 1.17; dtrace: amd64 Go >= 1.17, arm64 Go >= 1.18)").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            string script = ScriptCatalog.Render(name, version, version.ToString()[2..], offsets, binaryPath is null ? null : Path.GetFullPath(binaryPath), parse.GetValue(os)!);
            await context.Stdout.WriteAsync(script).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Writes the symbol lines of a binary (one line on stderr and exit 2 when it cannot be read).</summary>
    internal static async Task<int> WriteSymbolsAsync(CliContext context, string binaryPath)
    {
        GoSymbols? names = GoSymbols.Read(binaryPath, out string? error);
        if (names is null)
        {
            await context.Stderr.WriteLineAsync($"gotrace: {error}").ConfigureAwait(false);
            return ExitCodes.Error;
        }

        if (names.IsPositionIndependent)
        {
            await context.Stderr.WriteLineAsync($"gotrace: '{binaryPath}' is a position-independent executable: its go-statement sites move at run time, so only wrappers are printed (build with -buildmode=exe for sites)").ConfigureAwait(false);
        }

        foreach (string line in names.Lines())
        {
            await context.Stdout.WriteLineAsync(line).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }
}
