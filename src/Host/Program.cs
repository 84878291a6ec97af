using TorchSharp;
using static TorchSharp.torch;
namespace MantisShrimp.Host;
static class Program { static int Main() {
  var conv = nn.Conv2d(3, 4, 3);
  var opt = optim.NAdam(conv.parameters());
  var x = randn(2,3,8,8);
  var loss = conv.forward(x).pow(2).mean();
  loss.backward(); opt.step();
  System.Console.WriteLine($"ok loss={loss.item<float>()}");
  return 0; } }
