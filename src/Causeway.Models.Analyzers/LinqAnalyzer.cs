using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Causeway.Models.Analyzers;

/// <summary>Finds the lambdas passed to a typed query's <c>Where</c>, <c>OrderBy</c>, <c>OrderByDescending</c>,
/// <c>ThenBy</c> and <c>ThenByDescending</c> and reports what the query translator would refuse when the
/// query runs. It reports only what is certainly refused; anything it cannot be sure of passes.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LinqAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        LinqRules.UnsupportedMethod, LinqRules.TwoProperties, LinqRules.NotAProperty, LinqRules.UnsupportedForm,
        LinqRules.SetSize, LinqRules.WholeValue, LinqRules.CrdtValue, LinqRules.NotMapped, LinqRules.RegisterRead);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (ModelSymbols.Of(start.Compilation) is not { } symbols) return;
            start.RegisterOperationAction(c => Check(c, symbols), OperationKind.Invocation);
        });
    }

    private static void Check(OperationAnalysisContext context, ModelSymbols symbols)
    {
        var call = (IInvocationOperation)context.Operation;
        var method = call.TargetMethod;
        if (!ModelSymbols.IsOf(method.ContainingType, symbols.TypedQuery) || call.Arguments.Length != 1) return;
        bool where = method.Name == "Where";
        if (!where && method.Name is not ("OrderBy" or "OrderByDescending" or "ThenBy" or "ThenByDescending")) return;
        if (Lambda(call.Arguments[0].Value) is not { Symbol.Parameters.Length: 1 } lambda) return;
        if (lambda.Body.Operations.Length != 1 || lambda.Body.Operations[0] is not IReturnOperation { ReturnedValue: { } body }) return;
        var parameter = lambda.Symbol.Parameters[0];
        // Code with errors (being typed) is the compiler's to report.
        if (lambda.DescendantsAndSelf().Any(o => o is IInvalidOperation)) return;
        var document = ((INamedTypeSymbol)method.ContainingType).TypeArguments[0];
        var check = new TranslationCheck(symbols, parameter, document, context.ReportDiagnostic);
        if (where) check.Predicate(body);
        else check.SortKey(body);
    }

    /// <summary>The lambda written in place (a lambda converted to an expression tree); null for an
    /// expression built elsewhere, which is not checked.</summary>
    private static IAnonymousFunctionOperation? Lambda(IOperation value)
    {
        while (true)
        {
            switch (value)
            {
                case IAnonymousFunctionOperation lambda: return lambda;
                case IConversionOperation conversion: value = conversion.Operand; break;
                case IDelegateCreationOperation creation: value = creation.Target; break;
                default: return null;
            }
        }
    }
}
