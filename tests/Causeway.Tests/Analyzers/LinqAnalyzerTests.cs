using System.Collections.Immutable;
using System.Reflection;
using Causeway.Models;
using Causeway.Models.Analyzers;
using Causeway.Queries;
using Causeway.Tests.Typed;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Causeway.Tests.Analyzers;

/// <summary>The build-time checks of typed queries against the real translator: <see cref="LinqCorpus"/>
/// is compiled in memory with <see cref="LinqAnalyzer"/> against the real Causeway.Models assembly, and the
/// same queries, compiled into this assembly, run through <see cref="TypedQuery{T}.ToQuery"/>.</summary>
public sealed class LinqAnalyzerTests : IAsyncLifetime
{
    /// <summary>The corpus's models: the typed tests' and the mapping tests' (enums, lists, dictionaries).</summary>
    private static readonly DocumentModel Model = DocumentModel.Of(typeof(Player), typeof(Item), typeof(Purchase), typeof(Sample),
        typeof(Mapping.Pantry), typeof(Mapping.Recipe), typeof(Mapping.Parcel), typeof(Registers.Listing));

    private static readonly Lazy<Task<Analysis>> Analyzed = new(AnalyzeAsync);
    private Replica _replica = null!;
    private DocumentSession _session = null!;

    public async Task InitializeAsync()
    {
        _replica = Replica.OpenInMemory();
        var db = await _replica.CreateDatabaseAsync("corpus");
        await TypedQueryCases.Model.ApplyAsync(db);
        _session = db.OpenSession(Model);
    }

    public async Task DisposeAsync() => await _replica.DisposeAsync();

    private sealed record Analysis(SyntaxTree Tree, ImmutableArray<Diagnostic> Diagnostics)
    {
        /// <summary>The analyzer's diagnostics inside one corpus method.</summary>
        public List<Diagnostic> In(string method)
        {
            var declaration = Tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.Text == method);
            return [.. Diagnostics.Where(d => declaration.Span.Contains(d.Location.SourceSpan))];
        }
    }

    private static async Task<Analysis> AnalyzeAsync()
    {
        string path = Path.Combine(Encoding.RepoRoot.Find(), "tests", "Causeway.Tests", "Analyzers", "LinqCorpus.cs");
        var options = new CSharpParseOptions(LanguageVersion.Latest, preprocessorSymbols: ["CORPUS_CHECK"]);
        var tree = CSharpSyntaxTree.ParseText(await File.ReadAllTextAsync(path), options, path);
        var usings = CSharpSyntaxTree.ParseText("global using System; global using System.Collections.Generic; global using System.Linq;", options);
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        string[] ours = [typeof(DocumentSession).Assembly.Location, typeof(Query).Assembly.Location, typeof(Item).Assembly.Location];
        var compilation = CSharpCompilation.Create("Corpus", [tree, usings],
            [.. platform.Concat(ours).Distinct().Select(p => MetadataReference.CreateFromFile(p))],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        // The corpus compiles here as in the test assembly (a warning that its types shadow that
        // assembly's is expected).
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        var diagnostics = await compilation.WithAnalyzers([new LinqAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        return new Analysis(tree, diagnostics);
    }

    private static IEnumerable<MethodInfo> Cases<TAttribute>() where TAttribute : Attribute
        => typeof(LinqCorpus).GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.GetCustomAttribute<TAttribute>() is not null);

    /// <summary>The translator's refusal of a case, or null when it translates.</summary>
    private UntranslatableQueryException? Translate(MethodInfo method)
    {
        try
        {
            Assert.IsType<Query>(method.Invoke(null, [_session]));
            return null;
        }
        catch (TargetInvocationException e) when (e.InnerException is UntranslatableQueryException refused)
        {
            return refused;
        }
    }

    /// <summary>The sub-expression as text, the same whether C# source or an expression tree printed it.</summary>
    private static string Normal(string expression)
        => new string([.. expression.Replace("StringComparison.", "").Replace(".get_Item", "")   // an indexer prints as get_Item(key) in a tree
            .Where(c => !char.IsWhiteSpace(c) && c is not ('(' or ')' or '[' or ']' or '!' or '\''))]).ToLowerInvariant();

    private static (string Expression, string Reason) Parts(string message)
    {
        Assert.StartsWith("cannot translate '", message);
        int end = message.IndexOf("': ", StringComparison.Ordinal);
        return (message["cannot translate '".Length..end], message[(end + 3)..]);
    }

    [Fact]
    public void The_corpus_holds_every_rule_and_every_case_is_of_one_kind()
    {
        var methods = typeof(LinqCorpus).GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.ReturnType == typeof(Query)).ToList();
        foreach (var method in methods)
        {
            int kinds = (method.GetCustomAttribute<RefusedAttribute>() is null ? 0 : 1) + (method.GetCustomAttribute<TranslatedAttribute>() is null ? 0 : 1)
                + (method.GetCustomAttribute<UnsureAttribute>() is null ? 0 : 1);
            Assert.True(kinds == 1, $"{method.Name} is marked {kinds} ways");
        }
        var ids = Cases<RefusedAttribute>().Select(m => m.GetCustomAttribute<RefusedAttribute>()!.Id).ToHashSet();
        var rules = new LinqAnalyzer().SupportedDiagnostics;
        Assert.Equal(rules.Select(r => r.Id).Order(), ids.Order());
        Assert.All(rules, rule =>
        {
            Assert.Equal("Causeway.Linq", rule.Category);
            Assert.Equal(DiagnosticSeverity.Warning, rule.DefaultSeverity);
            Assert.True(rule.IsEnabledByDefault);
        });
        Assert.True(Cases<TranslatedAttribute>().Count() >= 10);
    }

    [Fact]
    public async Task Every_refused_query_gets_exactly_its_diagnostic_at_its_sub_expression()
    {
        var analysis = await Analyzed.Value;
        foreach (var method in Cases<RefusedAttribute>())
        {
            var expected = method.GetCustomAttribute<RefusedAttribute>()!;
            var found = analysis.In(method.Name);
            Assert.True(found.Count == 1, $"{method.Name}: {found.Count} diagnostics: {string.Join("; ", found)}");
            var diagnostic = found[0];
            Assert.True(expected.Id == diagnostic.Id, $"{method.Name}: {diagnostic.Id} is not {expected.Id}");
            Assert.Equal(expected.Text, diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
            Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
            Assert.Equal(expected.Text, Parts(diagnostic.GetMessage()).Expression);
        }
    }

    [Fact]
    public async Task Translated_and_unsure_queries_get_no_diagnostic()
    {
        var analysis = await Analyzed.Value;
        foreach (var method in Cases<TranslatedAttribute>().Concat(Cases<UnsureAttribute>()))
        {
            var found = analysis.In(method.Name);
            Assert.True(found.Count == 0, $"{method.Name}: {string.Join("; ", found)}");
        }
        // Nothing outside the cases either.
        var cases = Cases<RefusedAttribute>().Select(m => m.Name).ToHashSet();
        Assert.Equal(cases.Count, analysis.Diagnostics.Length);
    }

    [Fact]
    public async Task The_analyzer_flags_a_query_exactly_when_the_translator_refuses_it_and_says_why_in_its_words()
    {
        var analysis = await Analyzed.Value;
        foreach (var method in Cases<RefusedAttribute>().Concat(Cases<TranslatedAttribute>()))
        {
            var flagged = analysis.In(method.Name);
            var refused = Translate(method);
            Assert.True(flagged.Count > 0 == refused is not null,
                $"{method.Name}: the analyzer {(flagged.Count > 0 ? "flags it" : "is silent")}, the translator {(refused is null ? "translates it" : $"refuses it: {refused.Message}")}");
            if (refused is null) continue;
            var (expression, reason) = Parts(flagged.Single().GetMessage());
            Assert.Equal(Parts(refused.Message).Reason, reason);
            // An expression tree prints a static call without its type: IsNullOrEmpty(x.Note).
            string named = Normal(expression), printed = Normal(refused.Expression);
            Assert.True(named == printed || named.EndsWith("." + printed, StringComparison.Ordinal), $"{method.Name}: the analyzer names '{expression}', the translator '{refused.Expression}'");
        }
    }

    [Fact]
    public async Task Unsure_queries_are_refused_only_when_they_run_so_the_analyzer_stays_silent()
    {
        var analysis = await Analyzed.Value;
        foreach (var method in Cases<UnsureAttribute>())
        {
            Assert.Empty(analysis.In(method.Name));
            Assert.True(Translate(method) is not null, $"{method.Name} translates: it is no unsure case");
        }
    }

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest));
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        string[] ours = [typeof(DocumentSession).Assembly.Location, typeof(Query).Assembly.Location, typeof(Item).Assembly.Location];
        var compilation = CSharpCompilation.Create("Small", [tree], [.. platform.Concat(ours).Distinct().Select(p => MetadataReference.CreateFromFile(p))],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        return await compilation.WithAnalyzers([new LinqAnalyzer()]).GetAnalyzerDiagnosticsAsync();
    }

    [Fact]
    public async Task Code_with_errors_is_left_to_the_compiler()
    {
        // While a query is being typed its lambda does not bind: no guess is reported.
        var source = """
            using Causeway.Models;
            using Causeway.Tests.Typed;
            public static class Typing
            {
                public static object Q(DocumentSession s) => s.Query<Item>().Where(x => x.Specie.ToUpper() == "A");
                public static object R(DocumentSession s) => s.Query<Item>().OrderBy(x => x.Species.Lenght);
                public static object T(DocumentSession s) => s.Query<Item>().Where(x => x.Species.ToUpper() == "A");
            }
            """;
        var shown = Assert.Single(await AnalyzeAsync(source));
        Assert.Equal("CW1003", shown.Id);
        var line = shown.Location.SourceTree!.GetText().Lines[shown.Location.GetLineSpan().StartLinePosition.Line].ToString();
        Assert.Contains("object T(", line);
    }

    [Fact]
    public async Task A_pragma_silences_a_rule_as_for_any_warning()
    {
        var source = """
            using Causeway.Models;
            using Causeway.Tests.Typed;
            public static class Silenced
            {
            #pragma warning disable CW1001
                public static object Q(DocumentSession s) => s.Query<Item>().Where(x => x.Species.EndsWith("a"));
            #pragma warning restore CW1001
                public static object R(DocumentSession s) => s.Query<Item>().Where(x => x.Species.EndsWith("b"));
            }
            """;
        var all = await AnalyzeAsync(source);
        var shown = Assert.Single(all, d => !d.IsSuppressed);
        Assert.Equal("CW1001", shown.Id);
        Assert.Contains("x.Species.EndsWith(\"b\")", shown.GetMessage());
    }
}
