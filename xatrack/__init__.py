"""xatrack: follow a government's yearly plan (目标任务责任分解方案) to the finish."""

__version__ = "0.1.0"
