using Causeway.Errors;

namespace Causeway.Functions;

/// <summary>What one call of a stored function may spend on a database (docs/functions.md): time,
/// statements, memory, recursion depth, array length, regular-expression time and result size, and
/// how long idempotency records answer retries. A call past a limit stops with function_timeout or
/// function_limit and writes nothing. These are settings of this replica, not replicated.</summary>
public sealed record FunctionLimits
{
    public static FunctionLimits Default { get; } = new();

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);
    public int Statements { get; init; } = 1_000_000;
    public long MemoryBytes { get; init; } = 32L * 1024 * 1024;
    public int RecursionDepth { get; init; } = 256;
    public uint ArrayLength { get; init; } = 100_000;
    public TimeSpan RegexTimeout { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The largest result, as JSON bytes; a bigger one is function_limit.</summary>
    public int ResultBytes { get; init; } = 1024 * 1024;

    public TimeSpan IdempotencyRetention { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Throws invalid_value unless every limit is positive and within reason.</summary>
    public FunctionLimits Checked()
    {
        static void Range(string name, double value, double max)
        {
            if (!(value > 0) || value > max) throw new InvalidInputException(ErrorCodes.InvalidValue, $"Function limit '{name}' is {value}; it must be above 0 and at most {max}.");
        }
        Range("timeoutMs", Timeout.TotalMilliseconds, 60_000);
        Range("statements", Statements, 1_000_000_000);
        Range("memoryBytes", MemoryBytes, 1L << 32);
        Range("recursionDepth", RecursionDepth, 10_000);
        Range("arrayLength", ArrayLength, 100_000_000);
        Range("regexTimeoutMs", RegexTimeout.TotalMilliseconds, 10_000);
        Range("resultBytes", ResultBytes, 64 * 1024 * 1024);
        Range("idempotencyHours", IdempotencyRetention.TotalHours, 24 * 365);
        return this;
    }
}
