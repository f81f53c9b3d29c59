namespace Causeway.Simulator;

/// <summary>Which check a run failed.</summary>
public enum FailureKind
{
    /// <summary>A sync session refused its honest peer (raised an exception), or ended a session with
    /// the intruder of an owned run otherwise than with invalid_commit.</summary>
    Session,

    /// <summary>Two visible documents shared a unique value, or a sequence id was given twice.</summary>
    Unique,

    /// <summary>A read saw some of a transaction's audit documents carry its id, but not all.</summary>
    Atomicity,

    /// <summary>A read saw a transaction but not one of its causes.</summary>
    Causality,

    /// <summary>After healing and quiescing, replicas hold different state, or a committed transaction is missing.</summary>
    Convergence,

    /// <summary>The ledger of a replica does not verify.</summary>
    Verify,

    /// <summary>The replicas agree but the sessions never settle (frames keep flowing or a session never catches up).</summary>
    Quiescence,

    /// <summary>A visible bounded counter read outside its bounds.</summary>
    Bound,

    /// <summary>A replica held negative rights over a bounded counter, or the rights did not add up to what the bound allows.</summary>
    Rights,

    /// <summary>A visible document broke its collection's check.</summary>
    Check,

    /// <summary>A visible child named a parent that is not visible (or a delete did not cascade).</summary>
    Reference,

    /// <summary>A write to a constrained collection ended otherwise than its replica's state says it
    /// must (accepted though it breaks a constraint, or refused though it keeps them), or a refusal
    /// changed the replica.</summary>
    Refusal,

    /// <summary>A session stopped answering: handling a frame waited on something only other sessions or real time could bring.</summary>
    Stall,

    /// <summary>An honest replica holds a change the intruder of an owned run was not authorized for.</summary>
    Authority,

    /// <summary>The engine threw where nothing should have.</summary>
    Unexpected,
}

/// <summary>A check inside a run failed; <see cref="Simulation"/> wraps it with the seed.</summary>
public sealed class CheckFailedException(FailureKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public FailureKind Kind { get; } = kind;
}

/// <summary>A failed run: its seed, what failed, and the commands that replay it exactly.</summary>
public sealed class SimulationFailure(SimulationOptions options, FailureKind kind, string detail, long step, Exception? inner = null)
    : Exception($"Simulation seed {options.Seed} ({options}) failed its {kind.ToString().ToLowerInvariant()} check at step {step}: {detail}\n"
        + $"  replay: {ReplayCommand(options)}\n  trace:  {TraceCommand(options)}", inner)
{
    public int Seed { get; } = options.Seed;
    public FailureKind Kind { get; } = kind;
    public string Detail { get; } = detail;

    /// <summary>The test command that runs just this seed (with its size, when not the default).</summary>
    public static string ReplayCommand(SimulationOptions options)
        => $"CAUSEWAY_SIM_SEED={options.Seed}{(options.Writes == SimulationOptions.DefaultWrites ? "" : $" CAUSEWAY_SIM_WRITES={options.Writes}")}"
           + $" dotnet test tests/Causeway.Tests -c Release --filter \"FullyQualifiedName~SimulationTests.{(options.Owned ? "Every_owned_seed" : "Every_seed")}\"";

    /// <summary>The bench command that runs just this seed and prints every event.</summary>
    public static string TraceCommand(SimulationOptions options)
        => $"dotnet run -c Release --project bench -- simulate --from {options.Seed} --seeds 1 --writes {options.Writes}{(options.Owned ? " --owned" : "")} --trace";
}
