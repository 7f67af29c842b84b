using System.Diagnostics;

namespace Istore.Proxy.Stats;

/// <summary>
/// A tenant's QPS limit, shared by every loop: tokens refill at <see cref="Rate"/> per second up
/// to one second's worth; a command without a token is refused at once.
/// </summary>
internal sealed class TokenBucket
{
    private readonly Lock _lock = new();
    private double _tokens;
    private long _lastRefill = Stopwatch.GetTimestamp();
    private int _rate;

    /// <summary>Tokens per second; 0 means unlimited. A new rate (start, reload) starts with a full second of burst.</summary>
    public int Rate
    {
        get => _rate;
        set
        {
            lock (_lock)
            {
                if (value != _rate)
                    _tokens = value;
                _rate = value;
            }
        }
    }

    public bool TryTake()
    {
        int rate = Rate;
        if (rate <= 0)
            return true;
        lock (_lock)
        {
            Refill(rate);
            if (_tokens < 1)
                return false;
            _tokens--;
            return true;
        }
    }

    /// <summary>The rate and the tokens left now, for a successor taking over.</summary>
    public (int Rate, double Tokens) State()
    {
        lock (_lock)
        {
            Refill(_rate);
            return (_rate, _tokens);
        }
    }

    /// <summary>Continues a predecessor's bucket (a takeover): its rate and the tokens it had left, rather than a fresh second of burst.</summary>
    public void Continue(int rate, double tokens)
    {
        lock (_lock)
        {
            _rate = rate;
            _tokens = Math.Clamp(tokens, 0, rate);
            _lastRefill = Stopwatch.GetTimestamp();
        }
    }

    private void Refill(int rate)
    {
        long now = Stopwatch.GetTimestamp();
        _tokens = Math.Min(rate, _tokens + (now - _lastRefill) * (double)rate / Stopwatch.Frequency);
        _lastRefill = now;
    }
}
