"""The Discord adapter: pure translators (translate, render), a thin discord.py layer."""
