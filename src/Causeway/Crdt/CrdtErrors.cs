using Causeway.Errors;

namespace Causeway.Crdt;

internal static class CrdtErrors
{
    public static InvalidInputException WrongOp(string crdt, CrdtOp op) =>
        new(ErrorCodes.InvalidOp, $"A {op.GetType().Name} op cannot be applied to a {crdt}.");
}
