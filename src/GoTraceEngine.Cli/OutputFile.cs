namespace GoTraceEngine.Cli;

/// <summary>
/// Writes an output file so that a failed write never leaves a partial file looking complete: the content goes to a
/// temporary file beside the target, which is renamed over it only once everything was written and flushed.
/// </summary>
internal static class OutputFile
{
    public static async Task<T> WriteAsync<T>(string path, Func<Stream, T> write, CancellationToken cancellationToken)
    {
        string full = Path.GetFullPath(path);
        if (full is "/dev/stdout" or "/proc/self/fd/1")
        {
            // Reopening /dev/stdout would start writing at offset 0 of a redirected file, over earlier output.
            Console.Out.Flush();
            using Stream stdout = Console.OpenStandardOutput();
            T result = write(stdout);
            stdout.Flush();
            return result;
        }

        if (full.StartsWith("/dev/", StringComparison.Ordinal) || full.StartsWith("/proc/", StringComparison.Ordinal))
        {
            // A device or pipe (/dev/stdout, /dev/null): written in place, never replaced by a renamed file.
            var device = new FileStream(full, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            await using (device.ConfigureAwait(false))
            {
                T written = write(device);
                await device.FlushAsync(cancellationToken).ConfigureAwait(false);
                return written;
            }
        }

        string temporary = Path.Combine(Path.GetDirectoryName(full) ?? ".", "." + Path.GetFileName(full) + ".partial");
        try
        {
            T result;
            var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
            await using (stream.ConfigureAwait(false))
            {
                result = write(stream);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, full, overwrite: true);
            return result;
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the write already failed and that error is what the user sees.
        }
        catch (UnauthorizedAccessException)
        {
            // Same: cleanup of a temporary file must not hide the original error.
        }
    }
}
