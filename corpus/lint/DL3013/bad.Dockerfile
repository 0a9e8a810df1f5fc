FROM python:3.12-slim
RUN pip install --no-cache-dir flask requests==2.31.0 gunicorn
RUN python3 -m pip install --no-cache-dir -r requirements.txt uvicorn
RUN pip3 install --no-cache-dir git+https://github.com/psf/black
