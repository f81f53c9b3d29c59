using System.Text.RegularExpressions;
using Acornima.Ast;
using Causeway.Errors;
using Causeway.Values;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Interop;

namespace Causeway.Functions;

/// <summary>Runs stored functions' JavaScript in Jint: a fresh engine per call, strict mode, no CLR
/// interop, no <c>eval</c> or <c>Function</c> constructor, no timers or I/O (Jint has none unless given),
/// no binary buffers or <c>Atomics</c>, the call's fixed clock and seeded <c>Math.random</c>, and the
/// database's limits on time, statements, memory, recursion depth, array length and
/// regular-expression time. A script that passes a limit is stopped (function_timeout,
/// function_limit); one that throws, or whose source does not compile, is function_error with its
/// message and line.</summary>
internal static class FunctionSandbox
{
    /// <summary>Evaluates <paramref name="script"/> (the function's source) and calls the function it
    /// gives with <paramref name="argument"/>; <paramref name="install"/> puts the API in first.</summary>
    public static Value Run(string name, Prepared<Script> script, Value argument, FunctionLimits limits, CallClock clock,
        Action<Engine, JsValues>? install, CancellationToken cancellation)
    {
        return Guard(name, () =>
        {
            var engine = Create(limits, clock, cancellation);
            var values = Values(engine, limits);
            var function = engine.Evaluate(script);
            if (function is not Jint.Native.Function.Function)
                throw new FunctionException(ErrorCodes.FunctionError, $"Function '{name}' has a source that gives {function.Type.ToString().ToLowerInvariant()}, not a function; write it as function (arg) {{ .. }}.");
            install?.Invoke(engine, values);
            var result = engine.Invoke(function, JsValue.Undefined, [values.ToJs(argument)]);
            result = Settle(result, limits, cancellation);
            return values.FromJs(result, name, "a result");
        });
    }

    /// <summary>Checks a definition's source: it compiles, and evaluating it (under the limits, with no
    /// API) gives a function.</summary>
    public static void Check(string name, string source, ScriptCache cache, FunctionLimits limits)
    {
        var script = Guard(name, () => cache.Get(source));
        Guard(name, () =>
        {
            var engine = Create(limits, new CallClock(DateTimeOffset.UnixEpoch, 0), CancellationToken.None);
            var function = engine.Evaluate(script);
            if (function is not Jint.Native.Function.Function)
                throw new FunctionException(ErrorCodes.FunctionError, $"Function '{name}' has a source that gives {function.Type.ToString().ToLowerInvariant()}, not a function; write it as function (arg) {{ .. }}.");
            return 0;
        });
    }

    /// <summary>The result, or the value of the promise an async function gives once it settles. Nothing
    /// outside the call can settle it, so a promise still pending when the time limit is up never will
    /// be: function_timeout, not a call that waits for ever.</summary>
    private static JsValue Settle(JsValue value, FunctionLimits limits, CancellationToken cancellation)
    {
        if (value is not ObjectInstance) return value;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(limits.Timeout);
        try
        {
            return value.UnwrapIfPromise(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new TimeoutException();
        }
    }

    /// <summary>Globals a function has no use for that escape the limits: buffers and typed arrays are
    /// allocated whole, outside the array-length and memory limits (<c>new ArrayBuffer(2e9)</c> takes
    /// 2 GB at once), and <c>Atomics.wait</c> blocks the thread.</summary>
    private static readonly string[] Removed =
    [
        "ArrayBuffer", "SharedArrayBuffer", "DataView", "Atomics", "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array",
        "Uint16Array", "Int32Array", "Uint32Array", "Float16Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
    ];

    private static Engine Create(FunctionLimits limits, CallClock clock, CancellationToken cancellation)
    {
        var engine = new Engine(options =>
        {
            options.Strict();
            options.DisableStringCompilation();
            options.TimeoutInterval(limits.Timeout);
            options.MaxStatements(limits.Statements);
            options.LimitMemory(limits.MemoryBytes);
            options.LimitRecursion(limits.RecursionDepth);
            options.Constraints.MaxArraySize = limits.ArrayLength;
            options.Constraints.RegexTimeout = limits.RegexTimeout;
            // Deep native recursion (a getter calling itself through JSON.stringify, say) ends in a RangeError, not a crash.
            options.Constraints.StackOverflowGuard = true;
            // Atomics.wait would block the thread (Atomics is removed too, below).
            options.AgentCanSuspend = false;
            options.TimeSystem = clock;
            options.TimeZone = TimeZoneInfo.Utc;
            options.Interop.Enabled = false;
            if (cancellation.CanBeCanceled) options.CancellationToken(cancellation);
        });
        foreach (var global in Removed) engine.Global.Delete(global);
        var math = engine.GetValue("Math").AsObject();
        math.FastSetDataProperty("random", new ClrFunction(engine, "random", (_, _) => new JsNumber(clock.NextDouble())));
        BoundStringGrowth(engine, limits.MemoryBytes);
        return engine;
    }

    /// <summary>The string methods that make a long string in one step (<c>'x'.repeat(2 ** 28)</c> is
    /// 512 MB before the memory limit is next checked) refuse a result longer than the memory limit
    /// allows, before they allocate it.</summary>
    private static void BoundStringGrowth(Engine engine, long memoryBytes)
    {
        long maxLength = memoryBytes / sizeof(char);
        var prototype = engine.GetValue("String").AsObject().Get("prototype").AsObject();
        foreach (var (name, length) in new (string, Func<string, JsValue[], double>)[]
        {
            ("repeat", (text, args) => text.Length * (args.Length > 0 && args[0].IsNumber() ? args[0].AsNumber() : 0)),
            ("padStart", (text, args) => args.Length > 0 && args[0].IsNumber() ? args[0].AsNumber() : 0),
            ("padEnd", (text, args) => args.Length > 0 && args[0].IsNumber() ? args[0].AsNumber() : 0),
        })
        {
            var original = prototype.Get(name);
            prototype.FastSetDataProperty(name, new ClrFunction(engine, name, (self, args) =>
            {
                string text = self.IsString() ? self.AsString() : self.ToString();
                if (length(text, args) > maxLength) throw new MemoryLimitExceededException($"String.prototype.{name} would make a string longer than the memory limit allows.");
                return engine.Invoke(original, self, args);
            }, 1));
        }
    }

    /// <summary>The value converter, with <c>JSON.stringify</c> taken before any script runs.</summary>
    private static JsValues Values(Engine engine, FunctionLimits limits)
        => new(engine, engine.GetValue("JSON").AsObject().Get("stringify"), limits.ResultBytes);

    private static T Guard<T>(string name, Func<T> body)
    {
        try
        {
            return body();
        }
        catch (RegexMatchTimeoutException)
        {
            throw Limit(name, "its regular-expression time limit");
        }
        catch (TimeoutException)
        {
            throw new FunctionException(ErrorCodes.FunctionTimeout, $"Function '{name}' ran past its time limit and was stopped; nothing was written.");
        }
        catch (StatementsCountOverflowException)
        {
            throw Limit(name, "its statement limit");
        }
        catch (MemoryLimitExceededException e)
        {
            throw Limit(name, e.Message.Contains("array size", StringComparison.OrdinalIgnoreCase) ? "its array length limit" : "its memory limit");
        }
        catch (RecursionDepthOverflowException)
        {
            throw Limit(name, "its recursion depth limit");
        }
        catch (InsufficientExecutionStackException)
        {
            throw Limit(name, "the engine's stack");
        }
        catch (ExecutionCanceledException)
        {
            throw new OperationCanceledException($"The call of function '{name}' was cancelled.");
        }
        catch (JavaScriptException e)
        {
            int line = e.Location.Start.Line;
            // A thrown object that is no Error and has no message reads as "undefined" otherwise.
            string message = e.Error is ObjectInstance and not Jint.Native.Error.ErrorInstance && e.Message == "undefined"
                ? "it threw an object that is not an Error and has no message"
                : e.Message.Split('\n')[0];
            throw new FunctionException(ErrorCodes.FunctionError, $"Function '{name}' failed{(line > 0 ? $" at line {line}" : "")}: {Clip(message)}");
        }
        catch (ScriptPreparationException e) when (e.InnerException is Acornima.ParseErrorException parse)
        {
            throw new FunctionException(ErrorCodes.FunctionError, $"Function '{name}' does not compile at line {parse.LineNumber}: {Clip(parse.Description ?? parse.Message)}");
        }
        catch (ScriptPreparationException e) when (e.InnerException is InsufficientExecutionStackException)
        {
            throw new FunctionException(ErrorCodes.FunctionError, $"Function '{name}' does not compile: its source is nested too deeply.");
        }
        catch (JintException e) when (e is not JavaScriptException)
        {
            throw new FunctionException(ErrorCodes.FunctionError, $"Function '{name}' failed: {Clip(e.Message.Split('\n')[0])}");
        }
    }

    private static FunctionException Limit(string name, string which)
        => new(ErrorCodes.FunctionLimit, $"Function '{name}' went past {which} and was stopped; nothing was written.");

    private static string Clip(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
