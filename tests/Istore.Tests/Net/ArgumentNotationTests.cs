using Istore.Net.Commands;

namespace Istore.Tests.Net;

/// <summary>The argument notation of the command table reads into the trees COMMAND DOCS gives, and refuses what it cannot read.</summary>
public class ArgumentNotationTests
{
    [Fact]
    public void Set_reads_into_redis_tree()
    {
        var args = ArgumentNotation.Parse(
            "key:key value [condition=[NX | XX]]{2.6.12} [GET]{6.2.0} [expiration=[EX seconds:integer{2.6.12} | EXAT unix-time-seconds:unix-time{6.2.0} | KEEPTTL{6.0.0}]]", "SET");
        Assert.Equal("key:key#0 value:string condition:oneof[optional]{2.6.12}(nx:pure-token=NX xx:pure-token=XX) get:pure-token=GET[optional]{6.2.0} " +
            "expiration:oneof[optional](seconds:integer=EX{2.6.12} unix-time-seconds:unix-time=EXAT{6.2.0} keepttl:pure-token=KEEPTTL{6.0.0})", Describe(args));
    }

    [Fact]
    public void A_token_before_a_group_introduces_the_group()
    {
        var args = ArgumentNotation.Parse("[LIMIT (offset:integer count:integer)] [count=[COUNT count:integer [ANY]]] [target=TO (host port:integer [FORCE])] [id=ID (client-id:integer...)]", "X");
        Assert.Equal("offset_count:block=LIMIT[optional](offset:integer count:integer) count:block[optional](count:integer=COUNT any:pure-token=ANY[optional]) target:block=TO[optional](host:string port:integer force:pure-token=FORCE[optional]) " +
            "id:block=ID[optional](client-id:integer[multiple])", Describe(args));
    }

    [Fact]
    public void A_token_before_the_first_member_stays_on_the_member()
    {
        var args = ArgumentNotation.Parse("by=(circle=(BYRADIUS radius:double unit=(M | KM)) | box=(BYBOX width:double height:double unit=(M | KM)))", "GEOSEARCH");
        Assert.Equal("by:oneof(circle:block(radius:double=BYRADIUS unit:oneof(m:pure-token=M km:pure-token=KM)) " +
            "box:block(width:double=BYBOX height:double unit:oneof(m:pure-token=M km:pure-token=KM)))", Describe(args));
    }

    [Fact]
    public void Dots_inside_repeat_the_value_and_outside_a_token_the_token()
    {
        var args = ArgumentNotation.Parse("[WEIGHTS weight:integer...] [GET pattern:pattern]... key:key... (field value)...", "X");
        Assert.Equal("weight:integer=WEIGHTS[optional multiple] pattern:pattern=GET[optional multiple multiple_token] key:key#0[multiple] " +
            "field_value:block[multiple](field:string value:string)", Describe(args));
    }

    [Fact]
    public void Key_spec_indexes_follow_the_keys_unless_given()
    {
        var args = ArgumentNotation.Parse("key:key [BY pattern:pattern@1] [STORE destination:key] key2:key@0", "X");
        Assert.Equal([0, 1, 2, 0], args.Select(a => a.KeySpecIndex));
    }

    [Fact]
    public void Names_tokens_and_versions_can_be_given()
    {
        var args = ArgumentNotation.Parse("id_or_auto=(auto_id=* | id) [change=CH]{3.0.2} [operator=(equal== | approximately=~)] " +
            "(key | empty_string=\"\") ip:port{,2.8.12} [TYPE normal_master=(NORMAL | MASTER{3.2.0})]", "X");
        Assert.Equal("id_or_auto:oneof(auto_id:pure-token=* id:string) change:pure-token=CH[optional]{3.0.2} " +
            "operator:oneof[optional](equal:pure-token== approximately:pure-token=~) key_empty_string:oneof(key:string empty_string:pure-token=) " +
            "ip:port:string{,2.8.12} normal_master:oneof=TYPE[optional](normal:pure-token=NORMAL master:pure-token=MASTER{3.2.0})", Describe(args));
    }

    [Theory]
    [InlineData("key [NX | XX")]
    [InlineData("key NX | XX")]
    [InlineData("key (NX ]")]
    [InlineData("key []")]
    [InlineData("(a b | c)")]
    [InlineData("EX [PX milliseconds]")]
    [InlineData("[*]")]
    [InlineData("key:key@x")]
    [InlineData("name= value")]
    [InlineData("value{1.0.0")]
    public void Malformed_notation_is_refused_with_the_command_named(string notation)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ArgumentNotation.Parse(notation, "CMD"));
        Assert.StartsWith("CMD: bad argument notation", error.Message);
    }

    [Fact]
    public void An_empty_notation_is_no_arguments() => Assert.Empty(ArgumentNotation.Parse("", "X"));

    /// <summary>name:type, =token, #key spec, [flags], {since,deprecated}, (members).</summary>
    private static string Describe(IEnumerable<CommandArgument> args) => string.Join(" ", args.Select(a =>
        $"{a.Name}:{a.TypeName}" + (a.Token is null ? "" : "=" + a.Token) + (a.KeySpecIndex < 0 ? "" : "#" + a.KeySpecIndex) +
        (a.Flags == ArgumentFlags.None ? "" : "[" + string.Join(" ", a.FlagNames()) + "]") +
        (a.Since is null && a.DeprecatedSince is null ? "" : "{" + a.Since + (a.DeprecatedSince is null ? "" : "," + a.DeprecatedSince) + "}") +
        (a.IsGroup ? "(" + Describe(a.Arguments) + ")" : "")));
}
