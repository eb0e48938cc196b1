"""piasite: 特定個人情報保護評価書 as YAML in git, published as a static website."""

__version__ = "0.1.0"
