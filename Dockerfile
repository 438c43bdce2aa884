FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY helpline helpline
COPY workers workers
COPY ivr_flows ivr_flows
RUN pip install --no-cache-dir . && useradd --system helpline
USER helpline
EXPOSE 8000
# The webhooks by default; docker-compose.yml also runs the dashboard, a worker and the scheduler.
CMD ["gunicorn", "--config", "python:helpline.gunicorn_conf", "helpline:create_voice_app()"]
