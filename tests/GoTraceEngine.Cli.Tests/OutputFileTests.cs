namespace GoTraceEngine.Cli.Tests;

public sealed class OutputFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gotrace-out-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task WriteAsync_WriteFailsPartWay_LeavesNoFileLookingComplete()
    {
        string path = Path.Combine(_directory, "report.xml");
        await File.WriteAllTextAsync(path, "the previous, complete file", TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<IOException>(() => OutputFile.WriteAsync<int>(
            path,
            stream =>
            {
                stream.Write("half a re"u8);
                throw new IOException("No space left on device");
            },
            TestContext.Current.CancellationToken));
        Assert.Equal("the previous, complete file", await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
        Assert.Equal([path], Directory.GetFiles(_directory));
    }

    [Fact]
    public async Task Gen_ToAFullDevice_ExitsTwoWithOneLine()
    {
        if (!File.Exists("/dev/full"))
        {
            Assert.Skip("/dev/full is not available on this machine");
        }

        var stderr = new StringWriter { NewLine = "\n" };
        int exit = await GotraceCommand.RunAsync(["gen", "-n", "1M", "-o", "/dev/full"], () => new MemoryStream(), TextWriter.Null, stderr, TestContext.Current.CancellationToken);
        Assert.Equal(2, exit);
        Assert.Single(stderr.ToString().TrimEnd('\n').Split('\n'));
        Assert.Contains("No space left on device", stderr.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists("/dev/.full.partial"));
    }
}
