using System.Text;

namespace GoTraceEngine.Cli.Tests.Faults;

/// <summary>A writer that fails once <paramref name="limit"/> characters were written, as stdout on a full disk (or a closed pipe) does.</summary>
internal sealed class FailingWriter(int limit, int errno = 28, string message = "No space left on device") : TextWriter
{
    private readonly StringBuilder _written = new();

    public override Encoding Encoding => Encoding.UTF8;

    public string Written => _written.ToString();

    public override void Write(char value)
    {
        if (_written.Length >= limit)
        {
            throw new IOException(message, errno);
        }

        _written.Append(value);
    }

    public override void Write(string? value)
    {
        foreach (char c in value ?? string.Empty)
        {
            Write(c);
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));
}

/// <summary>A readable stream that hands out <paramref name="data"/> and then throws (a disk error at byte N).</summary>
internal sealed class ThrowingStream(byte[] data, int failAt) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_position >= failAt)
        {
            throw new IOException("Input/output error", 5);
        }

        int n = Math.Min(Math.Min(count, failAt - _position), data.Length - _position);
        Array.Copy(data, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>
/// A pipe that delivers <paramref name="data"/> and then goes quiet: further reads block until the stream is disposed,
/// ignoring any cancellation token, as a read of a real pipe or terminal does.
/// </summary>
internal sealed class IdleStream(byte[] data) : Stream
{
    private readonly ManualResetEventSlim _closed = new();
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_position < data.Length)
        {
            int n = Math.Min(count, data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        _closed.Wait();
        return 0;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.Run(() => Read(buffer, offset, count), CancellationToken.None);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        byte[] array = new byte[buffer.Length];
        return new ValueTask<int>(Task.Run(
            () =>
            {
                int n = Read(array, 0, array.Length);
                array.AsSpan(0, n).CopyTo(buffer.Span);
                return n;
            },
            CancellationToken.None));
    }

    protected override void Dispose(bool disposing)
    {
        _closed.Set();
        base.Dispose(disposing);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
