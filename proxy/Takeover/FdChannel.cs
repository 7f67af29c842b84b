using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Istore.Proxy.Takeover;

/// <summary>
/// Frames over a connected Unix stream socket, each optionally carrying file descriptors
/// (SCM_RIGHTS). A frame is a 7-byte header (payload length u32, type u8, descriptor count u16)
/// and its payload; its descriptors travel with its first byte. The kernel may deliver them with
/// an earlier read, so received descriptors queue in order and each frame takes its count.
/// Blocking I/O on the caller's thread; <see cref="Receive"/> gives up after a timeout.
/// </summary>
internal sealed unsafe partial class FdChannel : IDisposable
{
    /// <summary>The most descriptors one message may carry (the kernel's SCM_MAX_FD).</summary>
    public const int MaxFds = 253;

    private const int HeaderSize = 7;
    private const int SOL_SOCKET = 1;
    private const int SCM_RIGHTS = 1;
    private const int MSG_NOSIGNAL = 0x4000;
    private const int MSG_CTRUNC = 0x8;
    private const int MSG_CMSG_CLOEXEC = 0x40000000;
    private const short POLLIN = 1;
    private const int EINTR = 4;

    private readonly Socket _socket;
    private readonly int _fd;
    private readonly Queue<int> _fds = new();
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public FdChannel(Socket socket)
    {
        _socket = socket;
        _fd = (int)socket.Handle;
    }

    public void Send(FrameType type, ReadOnlySpan<byte> payload, ReadOnlySpan<int> fds = default)
    {
        if (fds.Length > MaxFds)
            throw new ArgumentException($"at most {MaxFds} descriptors per frame", nameof(fds));
        var frame = new byte[HeaderSize + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, payload.Length);
        frame[4] = (byte)type;
        BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(5), (ushort)fds.Length);
        payload.CopyTo(frame.AsSpan(HeaderSize));
        int controlLength = fds.IsEmpty ? 0 : ControlSpace(fds.Length);
        var control = stackalloc byte[Math.Max(controlLength, 1)];
        if (controlLength > 0)
        {
            new Span<byte>(control, controlLength).Clear();
            var header = (CmsgHeader*)control;
            header->Length = (nuint)(sizeof(CmsgHeader) + fds.Length * sizeof(int));
            header->Level = SOL_SOCKET;
            header->Type = SCM_RIGHTS;
            fds.CopyTo(new Span<int>(control + sizeof(CmsgHeader), fds.Length));
        }
        int sent = 0;
        fixed (byte* data = frame)
            while (sent < frame.Length)
            {
                var iov = new IoVec { Base = data + sent, Length = (nuint)(frame.Length - sent) };
                var message = new MsgHdr { Iov = &iov, IovLength = 1 };
                if (sent == 0 && controlLength > 0)
                {
                    message.Control = control;
                    message.ControlLength = (nuint)controlLength;
                }
                nint n = sendmsg(_fd, &message, MSG_NOSIGNAL);
                if (n < 0)
                {
                    if (Marshal.GetLastPInvokeError() == EINTR)
                        continue;
                    throw new IOException($"sendmsg failed: errno {Marshal.GetLastPInvokeError()}");
                }
                sent += (int)n;
            }
    }

    /// <summary>The next frame and its descriptors (which the caller now owns); IOException on EOF or timeout.</summary>
    public (FrameType Type, byte[] Payload, int[] Fds) Receive(TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            if (_end - _start >= HeaderSize)
            {
                var header = _buffer.AsSpan(_start, HeaderSize);
                int length = BinaryPrimitives.ReadInt32LittleEndian(header);
                if (length < 0 || length > 1 << 30)
                    throw new InvalidDataException($"bad takeover frame length {length}");
                if (_end - _start >= HeaderSize + length)
                {
                    var type = (FrameType)header[4];
                    int count = BinaryPrimitives.ReadUInt16LittleEndian(header[5..]);
                    if (_fds.Count < count)
                        throw new InvalidDataException($"a takeover frame announced {count} descriptors but {_fds.Count} arrived");
                    var payload = _buffer.AsSpan(_start + HeaderSize, length).ToArray();
                    _start += HeaderSize + length;
                    var fds = new int[count];
                    for (int i = 0; i < count; i++)
                        fds[i] = _fds.Dequeue();
                    return (type, payload, fds);
                }
                if (_buffer.Length < HeaderSize + length)
                    Array.Resize(ref _buffer, HeaderSize + length);
            }
            ReadMore(deadline);
        }
    }

    private void ReadMore(long deadline)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        while (true)
        {
            int wait = (int)Math.Max(0, deadline - Environment.TickCount64);
            var poll = new PollFd { Fd = _fd, Events = POLLIN };
            int ready = Poll(&poll, 1, wait);
            if (ready == 0)
                throw new IOException("timed out waiting for the other process");
            if (ready < 0 && Marshal.GetLastPInvokeError() == EINTR)
                continue;
            break;
        }
        int controlLength = ControlSpace(MaxFds);
        var control = stackalloc byte[controlLength];
        nint n;
        fixed (byte* data = &_buffer[_end])
        {
            var iov = new IoVec { Base = data, Length = (nuint)(_buffer.Length - _end) };
            var message = new MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = (nuint)controlLength };
            do
                n = recvmsg(_fd, &message, MSG_CMSG_CLOEXEC);
            while (n < 0 && Marshal.GetLastPInvokeError() == EINTR);
            if (n < 0)
                throw new IOException($"recvmsg failed: errno {Marshal.GetLastPInvokeError()}");
            TakeDescriptors(message);
        }
        if (n == 0)
            throw new EndOfStreamException("the other process closed the control connection");
        _end += (int)n;
    }

    private void TakeDescriptors(MsgHdr message)
    {
        var position = (byte*)message.Control;
        var end = position + message.ControlLength;
        while (position + sizeof(CmsgHeader) <= end)
        {
            var header = (CmsgHeader*)position;
            if (header->Length < (nuint)sizeof(CmsgHeader))
                break;
            if (header->Level == SOL_SOCKET && header->Type == SCM_RIGHTS)
            {
                int count = (int)((header->Length - (nuint)sizeof(CmsgHeader)) / sizeof(int));
                var fds = (int*)(position + sizeof(CmsgHeader));
                for (int i = 0; i < count; i++)
                    _fds.Enqueue(fds[i]);
            }
            position += Align(header->Length);
        }
        if ((message.Flags & MSG_CTRUNC) != 0)
            throw new IOException("descriptors were truncated in transit");
    }

    private static int ControlSpace(int fds) => sizeof(CmsgHeader) + (int)Align((nuint)(fds * sizeof(int)));

    private static nuint Align(nuint length) => (length + 7) & ~(nuint)7;

    /// <summary>Closes descriptors received but never claimed by a frame (a broken exchange).</summary>
    public void Dispose()
    {
        while (_fds.TryDequeue(out int fd))
            close(fd);
        _socket.Dispose();
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary>struct msghdr (LP64 layout: x86-64 and arm64).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct CmsgHeader
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Returned;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint sendmsg(int fd, MsgHdr* message, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recvmsg(int fd, MsgHdr* message, int flags);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport("libc")]
    internal static partial int close(int fd);
}
