namespace Ferry.Charts.Tests.HelmJudged;

/// <summary>
/// The <c>--set</c> family's expression language (helm's strvals: paths, indexes, lists, escapes, typing, JSON values,
/// files, and every error) judged by real helm on a chart that prints its values, over a values file whose keys have
/// each kind (so a path that crosses a string or a list fails as helm's does).
/// </summary>
public sealed class SetExpressionsJudgedTests
{
    [SkippableTheory]
    [InlineData("--set", "a=+5,b=-05,c=TRUE,d=Null,e=00,f=-0,g=0x1F,h=1e3,i=9223372036854775808")]
    [InlineData("--set", "a.b=1,a.c[0]=2,a.c[2].d=x")]
    [InlineData("--set", "x[0][1]=5,x[1][0][2].k=v")]
    [InlineData("--set", "a=1,a.b=2")]
    [InlineData("--set", "s.k=1")]
    [InlineData("--set", "l[1]=9,l[3]=x")]
    [InlineData("--set", "m.k2=w,m.k=null")]
    [InlineData("--set", "l.k=1")]
    [InlineData("--set", "s[0]=1")]
    [InlineData("--set", "n[0]=1")]
    [InlineData("--set", "n.k=1")]
    [InlineData("--set", "a={1,2},a[3]=x")]
    [InlineData("--set", "a[0]=1,a.b=2")]
    [InlineData("--set", "a\\.b=1,c\\,d=2,e=x\\=y")]
    [InlineData("--set", "a=x\\,y,b={p\\,q,r},c={},d={x}y")]
    [InlineData("--set", "a={x,y")]
    [InlineData("--set", "a.=1")]
    [InlineData("--set", ".a=1")]
    [InlineData("--set", "a..b=1")]
    [InlineData("--set", "a[x]=1")]
    [InlineData("--set", "a[]=1")]
    [InlineData("--set", "a[0]b=1")]
    [InlineData("--set", "a[0")]
    [InlineData("--set", "b=1,a[0][1")]
    [InlineData("--set", "a[1]=\\")]
    [InlineData("--set", "a\\")]
    [InlineData("--set", "a[0]")]
    [InlineData("--set", "a[0].b=")]
    [InlineData("--set", "a[1][0]=")]
    [InlineData("--set", "a=b=c,d=")]
    [InlineData("--set", "a=1,=2")]
    [InlineData("--set", "a=1,,b=2")]
    [InlineData("--set", "a=1,")]
    [InlineData("--set", "a")]
    [InlineData("--set", "a,b=1")]
    [InlineData("--set", "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.A.B.C.D.E=1")]
    [InlineData("--set", "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.A.B.C.D=1")]
    [InlineData("--set", "a[-1]=1")]
    [InlineData("--set", "a[99999999999999999999]=1")]
    [InlineData("--set-string", "a=1,b=true,c={1,null}")]
    [InlineData("--set-json", "a=1,b=2")]
    [InlineData("--set-json", "a=[1,2],b=3,c={\"k\":[1]}, d = \"x,y\" ,e=")]
    [InlineData("--set-json", "a=1 , b=2")]
    [InlineData("--set-json", "a=1,,b=2")]
    [InlineData("--set-json", "a=1,b")]
    [InlineData("--set-json", "b[0]=1,b[1]=\"s\",c[0].d=null")]
    [InlineData("--set-json", "a=1x")]
    [InlineData("--set-json", "a=tru")]
    [InlineData("--set-json", "a={\"x\":1}{\"y\":2}")]
    [InlineData("--set-json", "a.b=\"é\",c=\"\\u00e9\"")]
    [InlineData("--set-file", "a=f1,b={f1,f2}")]
    [InlineData("--set-file", "a=f1,b=missing")]
    [InlineData("--set-file", "a=")]
    public void Expression_SetsValuesAsHelmDoes(string flag, string expression)
    {
        HelmJudge.Require();
        var dir = Directory.CreateTempSubdirectory("ferry-set-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "c", "templates"));
            File.WriteAllText(Path.Combine(dir, "c", "Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n");
            File.WriteAllText(Path.Combine(dir, "c", "templates", "v.yaml"), "v: {{ toJson .Values }}\n");
            File.WriteAllText(Path.Combine(dir, "base.yaml"), "s: str\nl: [1, 2]\nm: {k: v}\nn: null\n");
            File.WriteAllText(Path.Combine(dir, "f1"), "one\n");
            File.WriteAllText(Path.Combine(dir, "f2"), "two");
            string[] args = ["r", "./c", "-f", "base.yaml", flag, expression];
            var helm = HelmJudge.Template(dir, args);
            var (chart, options) = HelmTemplateArgs.Parse([.. args.Select(a => a == "./c" ? Path.Combine(dir, "c") : a == "base.yaml" ? Path.Combine(dir, a) : a)], dir);
            var ferry = HelmTemplate.Run(chart, options);
            Assert.True(helm.ExitCode == 0 == ferry.Succeeded, $"helm (exit {helm.ExitCode}): {helm.Stdout}{helm.Stderr}\nferry: {ferry.Output}{ferry.Error}");
            if (helm.ExitCode == 0)
            {
                Assert.Equal(helm.Stdout, ferry.Output);
            }
            else
            {
                Assert.Equal(helm.Stderr.Split('\n')[0], "Error: " + ferry.Error!.Split('\n')[0]);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
